import ReverieReport
import ReverieSpec

/// A plot a sweep writes (SVG), read from a sweep file's `plots:` list:
///
///     - file: capacity.svg
///       title: Hebbian retrieval, N = 1000
///       table: runs              # runs (default), search, or a phase name (its table, <phase>.csv)
///       x: alpha
///       y: [exact.fraction_fixed_points, exact.mean_final_overlap]
///       by: protocol.sleep.sleep_time    # optional: one series per value of this column
///       label: "t = {}"          # series label; {} is the `by` value
///       error: sem               # none (default), std or sem over the rows that share x (repeats, trials)
///       log_x: false
///       log_y: false
///       x_offset: 0              # added to x before plotting (e.g. 1: t = 0 on a log axis as 1 + t)
///       y_range: [0, 1]
///       reference: [{x: 0.138, label: α_c ≈ 0.138}]
///       series:                  # instead of y: one entry per series, each may set part, table, x, y, by, label
///         - {y: exact.fraction_fixed_points, label: fixed points}
///
/// Each point is the mean of y over the rows of the table with that x (and
/// `by` value); `std` is the sample standard deviation of those rows, `sem` it
/// over √n. Rows whose x or y is empty or not a number are skipped.
struct SweepPlot: Sendable {
    struct Series: Sendable {
        /// The part whose tables the series reads (top-level plots of a multi-part sweep).
        var part: String?
        var table: String
        var x: String
        var y: String
        var by: String?
        var label: String?
    }

    enum ErrorBars: String, CaseIterable, Sendable { case none, std, sem }

    var file: String
    var title: String?
    var xLabel: String?
    var yLabel: String?
    var series: [Series]
    var error: ErrorBars
    var logX: Bool
    var logY: Bool
    var xOffset: Double
    var yRange: ClosedRange<Double>?
    var references: [SVGLinePlot.Reference]
    /// Where the plot is in the sweep file, for errors found once the tables exist.
    var location: String

    init(node: SpecNode) throws {
        try node.checkKeys(["file", "title", "x_label", "y_label", "part", "table", "x", "y", "by", "label", "error",
                            "log_x", "log_y", "x_offset", "y_range", "reference", "series"])
        let fileNode = try node.require("file", "a file name ending in .svg")
        file = try fileNode.string()
        guard Self.isPlainName(file), file.hasSuffix(".svg") else {
            throw fileNode.error(expected: "a file name ending in .svg, without directories (it is written into the output directory)")
        }
        title = try node["title"]?.string()
        xLabel = try node["x_label"]?.string()
        yLabel = try node["y_label"]?.string()
        error = ErrorBars(rawValue: try node.choice("error", ErrorBars.allCases.map(\.rawValue), default: "none"))!
        logX = try node.bool("log_x", default: false)
        logY = try node.bool("log_y", default: false)
        xOffset = try node.double("x_offset", default: 0)
        if let r = node["y_range"] {
            let b = try r.sequence()
            guard b.count == 2 else { throw r.error(expected: "[lo, hi]") }
            let lo = try b[0].double(), hi = try b[1].double()
            guard lo < hi else { throw r.error(expected: "[lo, hi] with lo < hi") }
            yRange = lo...hi
        }
        references = try (node["reference"]?.sequence() ?? []).map { ref in
            try ref.checkKeys(["x", "y", "label"])
            let axis: SVGLinePlot.Reference.Axis
            let value: SpecNode
            switch (ref["x"], ref["y"]) {
            case (let x?, nil): (axis, value) = (.x, x)
            case (nil, let y?): (axis, value) = (.y, y)
            default: throw ref.error(expected: "{x: value, label: …} or {y: value, label: …}")
            }
            let v = try value.double()
            return SVGLinePlot.Reference(axis: axis, value: v, label: try ref.string("label", default: "\(axis) = \(ResultTable.format(v))"))
        }
        let base = Series(part: try node["part"]?.string(), table: try node.string("table", default: "runs"),
                          x: try node["x"]?.string() ?? "", y: "", by: try node["by"]?.string(), label: try node["label"]?.string())
        var list: [Series] = []
        if let entries = node["series"] {
            guard node["y"] == nil else { throw entries.error(expected: "either y: or series:, not both") }
            for e in try entries.sequence() {
                try e.checkKeys(["part", "table", "x", "y", "by", "label"])
                var s = base
                s.part = try e["part"]?.string() ?? s.part
                s.table = try e["table"]?.string() ?? s.table
                s.x = try e["x"]?.string() ?? s.x
                s.y = try e.string("y")
                s.by = try e["by"]?.string() ?? s.by
                s.label = try e["label"]?.string() ?? s.label
                guard !s.x.isEmpty else { throw e.missing("x", "the column on the x axis (here or in the plot)") }
                list.append(s)
            }
        } else {
            let yNode = try node.require("y", "a column or a list of columns (or series:)")
            let ys: [String]
            if case .sequence(let items) = yNode.kind { ys = try items.map { try $0.string() } } else { ys = [try yNode.string()] }
            guard !base.x.isEmpty else { throw node.missing("x", "the column on the x axis") }
            for y in ys {
                var s = base
                s.y = y
                list.append(s)
            }
        }
        guard !list.isEmpty else { throw node.error(expected: "at least one series") }
        series = list
        location = "\(node.file): \(node.path)"
    }

    /// A default plot: the mean of `y` against `x`, one series per value of `by`.
    init(file: String, title: String, x: String, y: String, by: String?, error: ErrorBars, table: String = "runs") {
        self.file = file
        self.title = title
        series = [Series(part: nil, table: table, x: x, y: y, by: by, label: by.map { "\($0) = {}" })]
        self.error = error
        logX = false; logY = false; xOffset = 0; references = []
        location = "default plot \(file)"
    }

    /// A name that stays inside the directory it is written to.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.allSatisfy { $0.isLetter || $0.isNumber || "._-+=".contains($0) }
    }
}
