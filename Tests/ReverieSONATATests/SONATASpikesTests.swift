import XCTest
@testable import ReverieSONATA

/// SONATA spike files: what is written is read back, byte for byte the same
/// each time, never through a symbolic link; malformed files are named errors.
final class SONATASpikesTests: XCTestCase {
    let spikes = SONATASpikes(populations: [
        .init(name: "exc", nodeIDs: [3, 0, 7, 3], timestamps: [0.125, 1.5, 1.5, 2.0000000000000004]),
        .init(name: "silent", nodeIDs: [], timestamps: []),
        .init(name: "slow", nodeIDs: [1, 0], timestamps: [0.9, 0.2], units: "s", sorting: .none),
    ])

    func testWrittenSpikesAreReadBackExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try spikes.write(to: dir.file("spikes.h5"))
        XCTAssertEqual(try SONATASpikes.read(path: dir.file("spikes.h5")), spikes)
        try HDF5File.read(dir.file("spikes.h5")) { f in
            XCTAssertEqual(try f.attribute("magic", on: "/", as: UInt32.self), [0x0A7A])
            XCTAssertEqual(try f.text("sorting", on: "/spikes/exc"), "by_time")
            XCTAssertEqual(try f.text("units", on: "/spikes/exc/timestamps"), "ms")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["spikes.h5"], "no temporary file is left")
    }

    func testTheSameSpikesGiveTheSameBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try spikes.write(to: dir.file("a.h5"))
        Thread.sleep(forTimeInterval: 1.1)   // object times, if HDF5 kept them, would differ
        try spikes.write(to: dir.file("b.h5"))
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("a.h5"))), b = try Data(contentsOf: URL(fileURLWithPath: dir.file("b.h5")))
        XCTAssertEqual(a, b)
    }

    func testASymbolicLinkAtTheTargetIsReplacedNotFollowed() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let victim = dir.file("victim.txt")
        try "keep".write(toFile: victim, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.file("spikes.h5"), withDestinationPath: victim)
        try spikes.write(to: dir.file("spikes.h5"))
        XCTAssertEqual(try String(contentsOfFile: victim, encoding: .utf8), "keep")
        XCTAssertEqual(try SONATASpikes.read(path: dir.file("spikes.h5")), spikes)
    }

    func testMalformedFilesAreNamedErrors() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try "timestamps population node_ids\n".write(toFile: dir.file("csv.h5"), atomically: true, encoding: .utf8)
        try HDF5File.write(dir.file("empty.h5")) { f in try f.makeGroup("/other") }
        try HDF5File.write(dir.file("mismatch.h5")) { f in
            try f.write([UInt64(1), 2], to: "/spikes/p/node_ids")
            try f.write([0.5], to: "/spikes/p/timestamps")
            try f.setAttribute("units", string: "ms", on: "/spikes/p/timestamps")
        }
        try HDF5File.write(dir.file("negative.h5")) { f in
            try f.write([Int64(4), -1], to: "/spikes/p/node_ids")
            try f.write([0.5, 1], to: "/spikes/p/timestamps")
            try f.setAttribute("units", string: "ms", on: "/spikes/p/timestamps")
        }
        try HDF5File.write(dir.file("nounits.h5")) { f in
            try f.write([UInt64(1)], to: "/spikes/p/node_ids")
            try f.write([0.5], to: "/spikes/p/timestamps")
        }
        try HDF5File.write(dir.file("floatids.h5")) { f in
            try f.write([1.0], to: "/spikes/p/node_ids")
            try f.write([0.5], to: "/spikes/p/timestamps")
            try f.setAttribute("units", string: "ms", on: "/spikes/p/timestamps")
        }
        for (name, expected) in [("missing.h5", "no such file"), ("csv.h5", "not an HDF5 file"), ("empty.h5", "/spikes: missing (expected the group of a SONATA spike file)"),
                                 ("mismatch.h5", "/spikes/p: node_ids has 2 entries but timestamps has 1"),
                                 ("negative.h5", "/spikes/p/node_ids: expected non-negative ids; element 1 is -1"),
                                 ("nounits.h5", "/spikes/p/timestamps: missing attribute units"),
                                 ("floatids.h5", "/spikes/p/node_ids: expected integers, found floating-point numbers")] {
            XCTAssertThrowsError(try SONATASpikes.read(path: dir.file(name))) { error in
                XCTAssertEqual("\(error)", "\(dir.file(name)): \(expected)", name)
            }
        }
    }
}
