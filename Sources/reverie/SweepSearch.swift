import ArgumentParser
import Foundation
import ReverieReport
import ReverieSpec

/// The smallest integer value of a model field for which a condition on the
/// run's summary holds, found by bisection over `lo...hi` at every grid point
/// and repeat (e.g. the fewest examples per archetype that retrieve the
/// archetypes, docs/science.md §4):
///
///     search:
///       field: protocol.sleep.examples_per_archetype
///       column: M                          # output column (default: the field path)
///       range: [1, 500]
///       condition: sleep.mean_final_overlap >= 0.9   # clauses may be joined by " and "
///
/// Bisection evaluates `hi` (not found if the condition fails there), then `lo`
/// (found if it holds there), then keeps `cond(lo) = false, cond(hi) = true`
/// while halving: at most 2 + ⌈log2(hi − lo)⌉ runs. The value returned always
/// satisfies the condition with `value − 1` failing it (or is `lo`); it is the
/// smallest such value when the condition is monotone in the field.
struct SweepSearch: Sendable, Equatable {
    var field: String
    var column: String
    var range: ClosedRange<Int>
    var condition: Condition

    /// `<phase>.<key> OP number`, OP one of >=, >, <=, <, ==, !=, or several such
    /// clauses joined by ` and ` (all must hold, e.g. retrieval from the archetype
    /// and from a corrupted archetype); a missing or NaN value fails its clause.
    struct Condition: Sendable, Equatable, CustomStringConvertible {
        struct Clause: Sendable, Equatable {
            var column: String
            var op: String
            var threshold: Double
        }
        var clauses: [Clause]

        static let operators = [">=", "<=", "==", "!=", ">", "<"]

        init(_ text: String) throws {
            clauses = try text.components(separatedBy: " and ").map { try Self.clause($0, of: text) }
        }

        static func clause(_ text: String, of whole: String) throws -> Clause {
            for op in operators {
                guard let r = text.range(of: op) else { continue }
                let lhs = text[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
                let rhs = text[r.upperBound...].trimmingCharacters(in: .whitespaces)
                guard !lhs.isEmpty, !lhs.contains(" "), let t = Double(rhs), t.isFinite else { break }
                return Clause(column: lhs, op: op, threshold: t)
            }
            throw ValidationError("condition \"\(whole)\": expected <phase>.<key> OP number with OP one of "
                                  + operators.joined(separator: " ") + " (clauses joined by \" and \"), e.g. sleep.mean_final_overlap >= 0.9")
        }

        /// The summary columns the clauses read.
        var columns: [String] { clauses.map(\.column) }

        func holds(_ value: (String) -> Double?) -> Bool {
            clauses.allSatisfy { c in
                guard let v = value(c.column), !v.isNaN else { return false }
                switch c.op {
                case ">=": return v >= c.threshold
                case "<=": return v <= c.threshold
                case "==": return v == c.threshold
                case "!=": return v != c.threshold
                case ">": return v > c.threshold
                default: return v < c.threshold
                }
            }
        }

        var description: String {
            clauses.map { "\($0.column) \($0.op) \(ResultTable.format($0.threshold))" }.joined(separator: " and ")
        }
    }

    init(field: String, column: String? = nil, range: ClosedRange<Int>, condition: Condition) {
        self.field = field; self.column = column ?? field; self.range = range; self.condition = condition
    }

    /// Reads a sweep file's `search:` block.
    init(node: SpecNode) throws {
        try node.checkKeys(["field", "column", "range", "condition"])
        let field = try node.string("field")
        let rangeNode = try node.require("range", "[lo, hi], integers with lo ≤ hi")
        let bounds = try rangeNode.sequence()
        guard bounds.count == 2 else { throw rangeNode.error(expected: "[lo, hi], integers with lo ≤ hi") }
        let lo = try bounds[0].int(), hi = try bounds[1].int()
        guard lo <= hi else { throw rangeNode.error(expected: "[lo, hi] with lo ≤ hi") }
        let condNode = try node.require("condition", "<phase>.<key> OP number, e.g. sleep.mean_final_overlap >= 0.9")
        let condition: Condition
        do { condition = try Condition(try condNode.string()) } catch let e as ValidationError {
            throw condNode.error(expected: e.message)
        }
        self.init(field: field, column: try node["column"]?.string(), range: lo...hi, condition: condition)
    }

    /// Reads `--search field=lo..hi` and `--until CONDITION`.
    init(option: String, until: String) throws {
        guard let eq = option.firstIndex(of: "="), let dots = option.range(of: "..", range: eq..<option.endIndex),
              let lo = Int(option[option.index(after: eq)..<dots.lowerBound]), let hi = Int(option[dots.upperBound...]), lo <= hi,
              eq != option.startIndex else {
            throw ValidationError("--search \(option): expected field=lo..hi with integers lo ≤ hi, e.g. protocol.sleep.examples_per_archetype=1..500")
        }
        self.init(field: String(option[..<eq]), range: lo...hi, condition: try Condition(until))
    }

    /// Bisection for the smallest value in `range` where `holds` is true; returns
    /// it (nil when `holds(hi)` fails) and every value evaluated, in order.
    static func smallest(in range: ClosedRange<Int>, holds: (Int) throws -> Bool) rethrows -> (value: Int?, evaluated: [Int]) {
        var evaluated = [range.upperBound]
        guard try holds(range.upperBound) else { return (nil, evaluated) }
        if range.count == 1 { return (range.upperBound, evaluated) }
        evaluated.append(range.lowerBound)
        if try holds(range.lowerBound) { return (range.lowerBound, evaluated) }
        var (lo, hi) = (range.lowerBound, range.upperBound)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            evaluated.append(mid)
            if try holds(mid) { hi = mid } else { lo = mid }
        }
        return (hi, evaluated)
    }
}
