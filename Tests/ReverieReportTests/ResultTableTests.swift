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

    func testPlotDrawsErrorBarsReferenceLinesAndLogTicks() {
        var plot = SVGLinePlot(title: "t", xLabel: "x", yLabel: "y", series: [
            .init(name: "mean", points: [(10, 1), (100, 2), (1000, 3)], errors: [0.5, .nan, 0]),
        ])
        plot.logX = true
        plot.references = [.init(axis: .y, value: 2.5, label: "reference"), .init(axis: .x, value: 1e4, label: "limit")]
        let svg = plot.render()
        // One bar (NaN and 0 draw none); two dashed lines in the plot plus their two legend keys.
        XCTAssertEqual(svg.components(separatedBy: "<path d=").count - 1, 1)
        XCTAssertEqual(svg.components(separatedBy: "stroke-dasharray").count - 1, 2 + 2)
        XCTAssertTrue(svg.contains(">reference<") && svg.contains(">limit<"))
        // The vertical reference at 1e4 widens the log x axis to 10…1e4: a tick at every power of ten.
        for label in [">10<", ">100<", ">1000<", ">1e+04<"] { XCTAssertTrue(svg.contains(label), label) }
        // Within one decade (no power of ten inside): six ticks labelled with their values.
        plot.series = [.init(name: "s", points: [(2, 1), (5, 2)])]
        plot.references = []
        for label in [">2<", ">5<"] { XCTAssertTrue(plot.render().contains(label), label) }
        // A non-positive point on a log axis is not drawn.
        plot.series = [.init(name: "s", points: [(0, 1), (10, 2), (100, 3)])]
        XCTAssertEqual(plot.render().components(separatedBy: "<circle").count - 1, 2)
    }
}
