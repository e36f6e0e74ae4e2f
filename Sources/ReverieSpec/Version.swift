/// The software version written into run reports and printed by `reverie --version`.
public enum ReverieVersion {
    public static let current = "0.5.0"
}
