import CReverieSIMD

/// The C loops of spike delivery behind a bounds-checked API (voltage jumps call
/// `rv_lif_deliver` directly on a slot's `SpikingNetwork.RowTable`). Each loop reports the targets it leaves to the
/// caller in `late` (see `rv_lif_deliver` in CReverieSIMD): `k` for a target
/// already above threshold, `~k` for one the arrival lifted to it, in row order.
enum LIFKernels {
    /// Delivery through plastic pair-STDP synapses: depression with the targets'
    /// postsynaptic traces `postTrace[target] · yScale`, then the jump.
    @inline(__always)
    static func deliverSTDP(_ targets: [UInt32], _ row: Range<Int>, weights: inout [Double], base: Int, postTrace: [Double],
                            yScale: Double, rule: PairSTDP, f: Double, theta: Double, u: inout [Double], late: inout [Int64]) -> Int {
        precondition(row.lowerBound >= 0 && row.upperBound <= targets.count && late.count >= row.count && weights.count == targets.count)
        return targets.withUnsafeBufferPointer { t in
            weights.withUnsafeMutableBufferPointer { w in
                postTrace.withUnsafeBufferPointer { y in
                    u.withUnsafeMutableBufferPointer { u in
                        late.withUnsafeMutableBufferPointer { late in
                            Int(rv_lif_deliver_stdp(t.baseAddress! + row.lowerBound, w.baseAddress! + row.lowerBound, Int64(row.count),
                                                    Int64(base), y.baseAddress!, yScale, rule.aMinus, rule.wMax,
                                                    rule.dependence == .multiplicative ? 1 : 0, f, theta, u.baseAddress!, late.baseAddress!))
                        }
                    }
                }
            }
        }
    }

    /// The indices k in `range` with u[k] > theta, ascending, written to `out`
    /// relative to `range.lowerBound`; returns how many.
    @inline(__always)
    static func findAbove(_ u: [Double], _ range: Range<Int>, theta: Double, into out: inout [Int64]) -> Int {
        precondition(range.lowerBound >= 0 && range.upperBound <= u.count && out.count >= range.count)
        return u.withUnsafeBufferPointer { u in
            out.withUnsafeMutableBufferPointer { Int(rv_find_above(u.baseAddress! + range.lowerBound, Int64(range.count), theta, $0.baseAddress!)) }
        }
    }


    /// Exponential-current delivery to the targets `targets[row]` of one arrival
    /// at `t` (see `rv_lifexp_deliver`): targets whose bound on the slot so far
    /// reaches `theta` come back in `late` (as `k`) untouched; the others get
    /// the input in their current and membrane coefficient.
    @inline(__always)
    static func deliverCurrent(_ targets: [UInt32], _ row: Range<Int>, weights: [Float]?, weight: Double, base: Int,
                               coefficients: [Double], theta: Double, t: Double, u: inout [Double], iEx: inout [Double],
                               iIn: inout [Double], lastInput: inout [Double], late: inout [Int64]) -> Int {
        precondition(row.lowerBound >= 0 && row.upperBound <= targets.count && late.count >= row.count && coefficients.count == 21
                     && (weights?.count ?? targets.count) == targets.count && iEx.count == u.count && iIn.count == u.count
                     && lastInput.count == u.count)
        return targets.withUnsafeBufferPointer { tg in
            coefficients.withUnsafeBufferPointer { c in
                u.withUnsafeMutableBufferPointer { u in
                    iEx.withUnsafeMutableBufferPointer { xe in
                        iIn.withUnsafeMutableBufferPointer { xi in
                            lastInput.withUnsafeMutableBufferPointer { last in
                                late.withUnsafeMutableBufferPointer { late in
                                    func run(_ w: UnsafePointer<Float>?) -> Int {
                                        Int(rv_lifexp_deliver(tg.baseAddress! + row.lowerBound, w, Int64(row.count), Int64(base), weight,
                                                              c.baseAddress!, theta, t, u.baseAddress!, xe.baseAddress!, xi.baseAddress!,
                                                              last.baseAddress!, late.baseAddress!))
                                    }
                                    guard let weights else { return run(nil) }
                                    return weights.withUnsafeBufferPointer { run($0.baseAddress! + row.lowerBound) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The units k in `range` whose exponential-current bound (as in `deliverCurrent`)
    /// reaches `theta`, ascending, relative to `range.lowerBound`; returns how many.
    @inline(__always)
    static func findCurrentCandidates(u: [Double], iEx: [Double], iIn: [Double], _ range: Range<Int>, coefficients: [Double],
                                      theta: Double, into out: inout [Int64]) -> Int {
        precondition(range.lowerBound >= 0 && range.upperBound <= u.count && iEx.count == u.count && iIn.count == u.count
                     && out.count >= range.count && coefficients.count == 21)
        return u.withUnsafeBufferPointer { u in
            iEx.withUnsafeBufferPointer { xe in
                iIn.withUnsafeBufferPointer { xi in
                    coefficients.withUnsafeBufferPointer { c in
                        out.withUnsafeMutableBufferPointer {
                            let o = range.lowerBound
                            return Int(rv_lifexp_find(u.baseAddress! + o, xe.baseAddress! + o, xi.baseAddress! + o, Int64(range.count),
                                                      c.baseAddress!, theta, $0.baseAddress!))
                        }
                    }
                }
            }
        }
    }

    /// The bound of one unit's V − V_∞ (as in `deliverCurrent`).
    @inline(__always)
    static func currentBound(u: Double, iEx: Double, iIn: Double, coefficients: [Double]) -> Double {
        precondition(coefficients.count == 21)
        return coefficients.withUnsafeBufferPointer { rv_lifexp_bound(u, iEx, iIn, $0.baseAddress!) }
    }

    /// Hints that element `i` of `a` will be needed soon (scattered accesses the hardware cannot predict).
    @inline(__always)
    static func prefetch<T>(_ a: [T], _ i: Int) {
        guard i >= 0 && i < a.count else { return }
        a.withUnsafeBufferPointer { rv_prefetch($0.baseAddress! + i) }
    }
}
