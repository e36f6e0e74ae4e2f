import XCTest
@testable import ReverieSONATA

/// SONATA reports: data and mapping are read back as written; bmtk's name of
/// the index pointers is the same dataset.
final class SONATAReportTests: XCTestCase {
    func testWrittenReportIsReadBackExactly() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let frames = 5, nodes: [UInt64] = [0, 2, 9]
        let data = (0..<(frames * nodes.count)).map { Float(-70 + 0.37 * Double($0)) }
        let report = SONATAReport(populations: [.init(name: "exc", nodeIDs: nodes, start: 10, step: 0.25, frames: frames, data: data)])
        try report.write(to: dir.file("v.h5"))
        let back = try SONATAReport.read(path: dir.file("v.h5"))
        XCTAssertEqual(back, report)
        let p = back.populations[0]
        XCTAssertEqual([p.start, p.stop, p.step], [10, 11.25, 0.25])
        XCTAssertEqual(p.frames, 5)
        XCTAssertEqual(Array(p.frame(4)), Array(data[12..<15]))
        try HDF5File.read(dir.file("v.h5")) { f in
            XCTAssertEqual(try f.readIndices("/report/exc/mapping/index_pointer"), [0, 1, 2, 3])
            XCTAssertEqual(try f.shape(of: "/report/exc/data"), [5, 3])
            XCTAssertEqual(try f.attribute("sorted", on: "/report/exc/mapping/node_ids", as: UInt8.self), [1])
        }
    }

    func testAnInconsistentMappingIsANamedError() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try HDF5File.write(dir.file("bad.h5")) { f in
            try f.write([Float](repeating: 0, count: 6), to: "/report/p/data", shape: [3, 2])
            try f.setAttribute("units", string: "mV", on: "/report/p/data")
            try f.write([UInt64(0), 1], to: "/report/p/mapping/node_ids")
            try f.write([UInt64(0), 1], to: "/report/p/mapping/index_pointers")
            try f.write([UInt32(0), 0], to: "/report/p/mapping/element_ids")
            try f.write([0.0, 3, 1], to: "/report/p/mapping/time")
            try f.setAttribute("units", string: "ms", on: "/report/p/mapping/time")
        }
        XCTAssertThrowsError(try SONATAReport.read(path: dir.file("bad.h5"))) { error in
            XCTAssertEqual("\(error)", "\(dir.file("bad.h5")): /report/p/mapping/index_pointers: expected 3 non-decreasing offsets from 0 to 2")
        }
    }
}
