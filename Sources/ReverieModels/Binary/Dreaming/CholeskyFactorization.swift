/// A = L Lᵀ for a symmetric positive-definite matrix (row-major, size × size),
/// for solving the small P × P systems of the sleep kernel.
public struct CholeskyFactorization: Sendable {
    public let size: Int
    /// L, lower triangle, row-major (the upper triangle is zero).
    public private(set) var lower: [Double]

    /// Nil when A is not (numerically) positive definite.
    public init?(_ a: [Double], size n: Int) {
        precondition(a.count == n * n, "matrix size mismatch")
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i * n + i] = sum.squareRoot()
                } else {
                    l[i * n + j] = sum / l[j * n + j]
                }
            }
        }
        size = n; lower = l
    }

    /// Solves A X = B in place for B with `columns` right-hand sides (row-major size × columns).
    public func solve(_ b: inout [Double], columns m: Int) {
        precondition(b.count == size * m, "right-hand side size mismatch")
        let n = size
        b.withUnsafeMutableBufferPointer { x in
            lower.withUnsafeBufferPointer { l in
                for i in 0..<n {  // L y = b
                    for k in 0..<i { let c = l[i * n + k]; for c0 in 0..<m { x[i * m + c0] -= c * x[k * m + c0] } }
                    let d = 1 / l[i * n + i]
                    for c0 in 0..<m { x[i * m + c0] *= d }
                }
                for i in stride(from: n - 1, through: 0, by: -1) {  // Lᵀ x = y
                    for k in (i + 1)..<n { let c = l[k * n + i]; for c0 in 0..<m { x[i * m + c0] -= c * x[k * m + c0] } }
                    let d = 1 / l[i * n + i]
                    for c0 in 0..<m { x[i * m + c0] *= d }
                }
            }
        }
    }
}
