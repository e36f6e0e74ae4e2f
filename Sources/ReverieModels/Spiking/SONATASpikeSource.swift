import Foundation
import ReverieSONATA
import ReverieSpec

/// `model: sonata-spikes`: sources replaying one population of a SONATA spike
/// file (written by NEST, bmtk, Neurodamus, libsonata users or `reverie trace
/// export --format sonata`), like bmtk's virtual nodes driven by a spike file:
///
/// ```yaml
/// - name: input
///   model: sonata-spikes
///   size: 100                  # node ids 0..<100 of the file's population
///   file: ../inputs/spikes.h5  # relative to the model file
///   population: lgn            # default: the file's only population
///   time_offset: 0             # ms, added to the file's times
/// ```
/// Unit i of the population spikes at every timestamp whose node id is i;
/// timestamps in `ms` or `s` (their `units` attribute) are replayed in ms, exactly.
extension SpikingFamily {
    static let sonataSpikeKeys = [
        UnitKey("file", "", "path of a SONATA spike file (.h5), relative to the model file"),
        UnitKey("population", "", "the population of the file to replay", default: "its only population"),
        UnitKey("time_offset", "ms", "added to the file's spike times", default: "0"),
    ]

    /// The spikes of the `population` of SONATA spike file `file`, in (time, unit) order.
    static func sonataSpikes(_ p: SpecNode, _ unit: UnitContext) throws -> Unit {
        let fileNode = try p.require("file", "the path of a SONATA spike file (.h5) to drive this population")
        let path = ModelSpec.resolve(try fileNode.string(), in: unit.baseDirectory).path
        let file: SONATASpikes
        do { file = try SONATASpikes.read(path: path) } catch let e as SONATAError {
            throw fileNode.error(expected: "a readable SONATA spike file (\(e))")
        }
        let names = file.populations.map(\.name)
        let name: String
        if let node = p["population"] {
            name = try node.choice(names)
        } else {
            guard names.count == 1 else {
                throw p.missing("population", names.isEmpty ? "a population (\(path) has none under /spikes)"
                                : "one of \(names.joined(separator: ", ")) (\(path) has several populations)")
            }
            name = names[0]
        }
        let source = file.populations.first { $0.name == name }!
        let scale: Double
        switch source.units {
        case "ms": scale = 1
        case "s": scale = 1000
        default: throw fileNode.error(expected: "spike times in ms or s (/spikes/\(name)/timestamps has units \(String(reflecting: source.units)))")
        }
        let offset = try p.double("time_offset", default: 0, in: 0...1e15)
        if let k = source.nodeIDs.firstIndex(where: { $0 >= UInt64(unit.size) }) {
            throw try p.require("size", "").error(
                expected: "more than \(source.nodeIDs[k]) units: /spikes/\(name)/node_ids[\(k)] in \(path) is \(source.nodeIDs[k])")
        }
        var spikes = zip(source.timestamps, source.nodeIDs).map { RecordedSpike(time: $0 * scale + offset, unit: Int($1)) }
        if let s = spikes.first(where: { $0.time < 0 }) {
            throw fileNode.error(expected: "non-negative spike times (node \(s.unit) of \(name) spikes at \(s.time) ms with the offset)")
        }
        spikes.sort { ($0.time, $0.unit) < ($1.time, $1.unit) }
        return Unit(kind: .spikeTrain(spikes))
    }
}
