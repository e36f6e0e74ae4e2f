import Foundation

/// A self-contained SVG line chart: one polyline with markers per series, axes
/// with ticks, a legend. No dependencies, deterministic output.
public struct SVGLinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public init(name: String, points: [(x: Double, y: Double)]) { self.name = name; self.points = points }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed y range (e.g. 0...1 for fractions); nil fits the data.
    public var yRange: ClosedRange<Double>?
    public var width = 760.0, height = 460.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.yRange = yRange
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    public func render() -> String {
        // The legend sits right of the plot; ~7 px per character at 12 px.
        let longest = series.map(\.name.count).max() ?? 0
        let left = 70.0, right = max(120.0, 50 + 7 * Double(longest)), top = 40.0, bottom = 55.0
        let pw = width - left - right, ph = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1
        var y0 = yRange?.lowerBound ?? (ys.min() ?? 0), y1 = yRange?.upperBound ?? (ys.max() ?? 1)
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + ph - (y - y0) / (y1 - y0) * ph }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left + pw / 2))" y="22" text-anchor="middle" font-size="15">\(esc(title))</text>
        <rect x="\(f(left))" y="\(f(top))" width="\(f(pw))" height="\(f(ph))" fill="none" stroke="#333"/>

        """
        for k in 0...5 {
            let xv = x0 + (x1 - x0) * Double(k) / 5, yv = y0 + (y1 - y0) * Double(k) / 5
            svg += "<line x1=\"\(f(px(xv)))\" y1=\"\(f(top + ph))\" x2=\"\(f(px(xv)))\" y2=\"\(f(top + ph + 5))\" stroke=\"#333\"/>"
            svg += "<text x=\"\(f(px(xv)))\" y=\"\(f(top + ph + 18))\" text-anchor=\"middle\">\(Self.tick(xv))</text>\n"
            svg += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(yv)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(yv)))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(py(yv) + 4))\" text-anchor=\"end\">\(Self.tick(yv))</text>\n"
        }
        svg += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        svg += "<text transform=\"translate(18,\(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        for (k, s) in series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            let path = pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"\(path)\"/>\n"
            for p in pts { svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(color)\"/>" }
            let ly = top + 10 + Double(k) * 18
            svg += "\n<line x1=\"\(f(left + pw + 12))\" y1=\"\(f(ly))\" x2=\"\(f(left + pw + 32))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(f(left + pw + 38))\" y=\"\(f(ly + 4))\">\(esc(s.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func tick(_ v: Double) -> String {
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e4 || a < 1e-3 { return String(format: "%.2g", v) }
        return String(format: a >= 100 ? "%.0f" : (a >= 1 ? "%.2g" : "%.3g"), v)
    }
}
