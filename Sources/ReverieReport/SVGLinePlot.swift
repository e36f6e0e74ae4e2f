import Foundation

/// A self-contained SVG line chart: one polyline with markers per series, axes
/// with ticks, a legend; optional error bars, log10 axes and reference lines.
/// No dependencies, deterministic output.
public struct SVGLinePlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Half-lengths of vertical error bars, one per point (NaN: no bar).
        public var errors: [Double]?
        public init(name: String, points: [(x: Double, y: Double)], errors: [Double]? = nil) {
            self.name = name; self.points = points; self.errors = errors
        }
    }

    /// A dashed line across the plot at x = value (vertical) or y = value (horizontal).
    public struct Reference: Sendable {
        public enum Axis: Sendable { case x, y }
        public var axis: Axis
        public var value: Double
        public var label: String
        public init(axis: Axis, value: Double, label: String) { self.axis = axis; self.value = value; self.label = label }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed y range (e.g. 0...1 for fractions); nil fits the data.
    public var yRange: ClosedRange<Double>?
    /// log10 axes: points with a non-positive coordinate on a log axis are not drawn.
    public var logX = false, logY = false
    public var references: [Reference] = []
    public var width = 760.0, height = 460.0

    public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.yRange = yRange
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    /// A value on an axis in plot coordinates (log10 on a log axis); nil when it cannot be drawn.
    static func scaled(_ v: Double, log: Bool) -> Double? {
        guard v.isFinite else { return nil }
        if log { return v > 0 ? log10(v) : nil }
        return v
    }

    public func render() -> String {
        // The legend sits right of the plot; ~7 px per character at 12 px.
        let longest = (series.map(\.name.count) + references.map(\.label.count)).max() ?? 0
        let left = 70.0, right = max(120.0, 50 + 7 * Double(longest)), top = 40.0, bottom = 55.0
        let pw = width - left - right, ph = height - top - bottom
        // Every drawable point (and error-bar end) in plot coordinates.
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for (k, p) in s.points.enumerated() {
                guard let x = Self.scaled(p.x, log: logX), let y = Self.scaled(p.y, log: logY) else { continue }
                xs.append(x); ys.append(y)
                if let e = s.errors?[k], e.isFinite, e > 0 {
                    ys += [p.y - e, p.y + e].compactMap { Self.scaled($0, log: logY) }
                }
            }
        }
        for r in references {
            if r.axis == .x, let v = Self.scaled(r.value, log: logX) { xs.append(v) }
            if r.axis == .y, yRange == nil, let v = Self.scaled(r.value, log: logY) { ys.append(v) }
        }
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1
        var y0: Double, y1: Double
        if let yRange, let lo = Self.scaled(yRange.lowerBound, log: logY), let hi = Self.scaled(yRange.upperBound, log: logY) {
            (y0, y1) = (lo, hi)
        } else {
            (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        }
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * pw }
        func py(_ y: Double) -> Double { top + ph - (y - y0) / (y1 - y0) * ph }
        func clampY(_ y: Double) -> Double { min(max(y, y0), y1) }
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
        for (xv, label) in Self.ticks(x0, x1, log: logX) {
            svg += "<line x1=\"\(f(px(xv)))\" y1=\"\(f(top + ph))\" x2=\"\(f(px(xv)))\" y2=\"\(f(top + ph + 5))\" stroke=\"#333\"/>"
            svg += "<text x=\"\(f(px(xv)))\" y=\"\(f(top + ph + 18))\" text-anchor=\"middle\">\(label)</text>\n"
        }
        for (yv, label) in Self.ticks(y0, y1, log: logY) {
            svg += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(yv)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(yv)))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(py(yv) + 4))\" text-anchor=\"end\">\(label)</text>\n"
        }
        svg += "<text x=\"\(f(left + pw / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        svg += "<text transform=\"translate(18,\(f(top + ph / 2))) rotate(-90)\" text-anchor=\"middle\">\(esc(yLabel))</text>\n"
        for (k, s) in series.enumerated() {
            let color = Self.palette[k % Self.palette.count]
            var pts: [(x: Double, y: Double)] = [], bars: [(x: Double, lo: Double, hi: Double)] = []
            for (j, p) in s.points.enumerated() {
                guard let x = Self.scaled(p.x, log: logX), let y = Self.scaled(p.y, log: logY) else { continue }
                pts.append((x, y))
                if let e = s.errors?[j], e.isFinite, e > 0 {
                    // On a log axis a bar reaching zero or below is cut at the bottom of the plot.
                    bars.append((x, Self.scaled(p.y - e, log: logY) ?? y0, Self.scaled(p.y + e, log: logY) ?? y1))
                }
            }
            let path = pts.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\" points=\"\(path)\"/>\n"
            for p in pts { svg += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"2.5\" fill=\"\(color)\"/>" }
            for b in bars {
                let (xb, lo, hi) = (f(px(b.x)), f(py(clampY(b.lo))), f(py(clampY(b.hi))))
                svg += "<path d=\"M\(xb),\(lo)V\(hi)M\(f(px(b.x) - 3)),\(lo)h6M\(f(px(b.x) - 3)),\(hi)h6\" stroke=\"\(color)\" stroke-width=\"1.2\" fill=\"none\"/>"
            }
            let ly = top + 10 + Double(k) * 18
            svg += "\n<line x1=\"\(f(left + pw + 12))\" y1=\"\(f(ly))\" x2=\"\(f(left + pw + 32))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            svg += "<text x=\"\(f(left + pw + 38))\" y=\"\(f(ly + 4))\">\(esc(s.name))</text>\n"
        }
        for (k, r) in references.enumerated() {
            let ly = top + 10 + Double(series.count + k) * 18
            switch r.axis {
            case .x:
                guard let v = Self.scaled(r.value, log: logX), (x0...x1).contains(v) else { continue }
                svg += "<line x1=\"\(f(px(v)))\" y1=\"\(f(top))\" x2=\"\(f(px(v)))\" y2=\"\(f(top + ph))\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>"
            case .y:
                guard let v = Self.scaled(r.value, log: logY), (y0...y1).contains(v) else { continue }
                svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(v)))\" x2=\"\(f(left + pw))\" y2=\"\(f(py(v)))\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>"
            }
            svg += "\n<line x1=\"\(f(left + pw + 12))\" y1=\"\(f(ly))\" x2=\"\(f(left + pw + 32))\" y2=\"\(f(ly))\" stroke=\"#555\" stroke-dasharray=\"5,4\"/>"
            svg += "<text x=\"\(f(left + pw + 38))\" y=\"\(f(ly + 4))\">\(esc(r.label))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Tick positions (plot coordinates) and labels: six even ticks on a linear
    /// axis; on a log axis the powers of ten in range, or six even ticks in
    /// log space labelled with their values when the range spans less than two.
    static func ticks(_ lo: Double, _ hi: Double, log: Bool) -> [(Double, String)] {
        let even = (0...5).map { lo + (hi - lo) * Double($0) / 5 }
        guard log else { return even.map { ($0, tick($0)) } }
        let first = Int(ceil(lo - 1e-9)), last = Int(floor(hi + 1e-9))
        if last - first >= 1 { return (first...last).map { (Double($0), tick(pow(10, Double($0)))) } }
        return even.map { ($0, tick(pow(10, $0))) }
    }

    static func tick(_ v: Double) -> String {
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e4 || a < 1e-3 { return String(format: "%.2g", v) }
        return String(format: a >= 100 ? "%.0f" : (a >= 1 ? "%.2g" : "%.3g"), v)
    }
}
