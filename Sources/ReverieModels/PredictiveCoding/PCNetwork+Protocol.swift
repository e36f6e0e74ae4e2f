import ReverieKernel

extension PCNetwork {
    /// Advances the network by `duration` with the configured integrator,
    /// learning online if `learning` is set (in steps of `dt`, or of `learnStep`
    /// for the event-driven integrator).
    public func relax(for duration: Double, learning: Bool) {
        switch options.integrator {
        case .euler:
            var integrator = PCEulerIntegrator(network: self)
            integrator.run(self, for: duration, learning: learning)
        case .eventDriven:
            let start = time
            let end = start + SimTime(duration)
            let system = PCEventRelaxation(network: self)
            var scheduler = Scheduler<PCEventRelaxation.Message>(start: start)
            system.begin(at: start)
            if learning {
                let step = options.learnStep ?? options.dt
                let steps = Int((duration / step).rounded())
                for s in 0..<steps {
                    let t = start + SimTime(Double(s + 1) * step)
                    _ = scheduler.run(system, until: t)
                    system.learn(at: t, step: step)
                }
            } else {
                _ = scheduler.run(system, until: end)
            }
            system.synchronize(to: end)
            time = end
            events += scheduler.eventsProcessed
            messages += system.sends
            receptions += system.receptions
        }
    }

    /// Online training: for each epoch, each pattern in order is clamped for
    /// `holdTime` while M and b learn. With `recordWeights` the weights are
    /// reported after every presentation (one learning block); `presented` is
    /// called with the number of presentations done so far.
    public func train(_ patterns: PatternSet, recordWeights: Bool = true, presented: (Int) -> Void = { _ in }) {
        precondition(patterns.size == size, "pattern size mismatch")
        var done = 0
        for _ in 0..<options.epochs {
            for mu in 0..<patterns.count {
                clamp(patterns[mu])
                relax(for: options.holdTime, learning: true)
                if recordWeights { emitWeights() }
                done += 1
                presented(done)
            }
        }
    }

    /// Recall: frees the value units at `scale · x` (errors at rest), relaxes for
    /// `recallTime` without learning, and returns the read-out ±1 state.
    @discardableResult
    public func recall(from x: [Double]) -> [Double] {
        release(at: x)
        relax(for: options.recallTime, learning: false)
        return readout
    }
}
