import XCTest
import ReverieReport

final class ResultTableTests: XCTestCase {
    func testCSVQuotesAndFormatsNumbers() {
        var t = ResultTable(columns: ["alpha", "note"])
        t.append([.number(0.05), .text("a,b")])
        t.append([.number(3), .text("say \"hi\"")])
        XCTAssertEqual(t.csv, "alpha,note\n0.05,\"a,b\"\n3,\"say \"\"hi\"\"\"\n")
        XCTAssertEqual(t.column("alpha"), [0.05, 3])
    }

    func testPlotHasOnePolylinePerSeriesAndEscapesText() {
        let plot = SVGLinePlot(title: "a < b", xLabel: "x", yLabel: "y", series: [
            .init(name: "one", points: [(0, 0), (1, 1)]),
            .init(name: "two", points: [(0, 1), (1, 0), (2, .nan)]),
        ], yRange: 0...1)
        let svg = plot.render()
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 2)
        XCTAssertTrue(svg.contains("a &lt; b"))
        XCTAssertFalse(svg.contains("nan"))
    }
}
