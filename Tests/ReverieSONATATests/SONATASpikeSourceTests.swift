import XCTest
import ReverieKernel
import ReverieModels
import ReverieSONATA
import ReverieSpec

/// `model: sonata-spikes` replays a population of a SONATA spike file exactly;
/// a file that does not fit the population is an error naming the field.
final class SONATASpikeSourceTests: XCTestCase {
    func testASpikeFileDrivesAPopulationExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var rng = RandomStream(seed: 3, stream: 1)
        let ids = (0..<300).map { _ in UInt64(rng.nextInt(below: 20)) }
        let times = (0..<300).map { _ in 100 * rng.nextUnit() }
        try SONATASpikes(populations: [
            .init(name: "other", nodeIDs: [0], timestamps: [1]),
            .init(name: "lgn", nodeIDs: ids, timestamps: times, sorting: .none),
        ]).write(to: dir.file("in.h5"))
        try """
            name: sonata-replay
            populations:
              - {name: lgn, model: sonata-spikes, size: 20, file: in.h5, population: lgn, time_offset: 2.5}
              - {name: n, model: lif, size: 4}
            projections:
              - {name: p, from: lgn, to: n, connectivity: all_to_all, weight: 1, delay: 1}
            protocol:
              - {phase: run, duration: 110}
            """.write(toFile: dir.file("m.yaml"), atomically: true, encoding: .utf8)
        let seen = MemorySink()
        _ = try ModelRunner(model: try ModelSpec.load(path: dir.file("m.yaml")), sinks: [seen]).run()
        let replayed = seen.records.filter { $0.kind == .spike && $0.unit < 20 }
        let expected = zip(times, ids).map { ($0 + 2.5, Int($1)) }.sorted { $0 < $1 }
        XCTAssertEqual(replayed.map(\.time.value), expected.map(\.0))
        XCTAssertEqual(replayed.map { Int($0.unit) }, expected.map(\.1))

        for (override, expected) in [("populations[0].size=10", "populations[0].size: expected more than 1"),
                                     ("populations[0].population=nope", "populations[0].population: expected one of lgn, other"),
                                     ("populations[0].file=missing.h5", "populations[0].file: expected a readable SONATA spike file ("
                                         + dir.file("missing.h5") + ": no such file)")] {
            XCTAssertThrowsError(try ModelSpec.load(path: dir.file("m.yaml"), overrides: [override])) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(override): \(error)")
            }
        }
    }
}
