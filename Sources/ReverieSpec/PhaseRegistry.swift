/// The protocol phases model files can use; one line per phase type.
public enum PhaseRegistry {
    public static let phases: [any ProtocolPhase.Type] = [
        LearnPhase.self,
        TestPhase.self,
        RunPhase.self,
        DreamPhase.self,
        SleepPhase.self,
        PCTrainPhase.self,
        PCTestPhase.self,
    ]

    public static func phase(_ kind: String) -> (any ProtocolPhase.Type)? { phases.first { $0.kind == kind } }
}
