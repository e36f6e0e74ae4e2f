/// The run loop every model goes through: the networks of its families and
/// the links that carry events between them.
///
/// A family advances by its own algorithm (a `Scheduler` of events, min-delay
/// slots, an integrator); the engine only decides how far. Families joined by
/// links advance together in windows no longer than the shortest link delay
/// (conservative synchronisation, NEST's min-delay windows): an event emitted
/// in a window reaches the other family in a later window, so within a window
/// each family runs on its own, and the result does not depend on the order in
/// which families are advanced. A family without links advances in one step.
public final class Simulation {
    /// Events of one family's population delivered to another family.
    public struct Link: Sendable, Equatable {
        /// Index of the sending family and of the population in its layout.
        public var source: Int
        public var population: Int
        /// Index of the receiving family, and the link index it gave this link.
        public var target: Int
        public var handle: Int
        /// The shortest delay along the link (> 0).
        public var delay: SimTime

        public init(source: Int, population: Int, target: Int, handle: Int, delay: SimTime) {
            precondition(delay.value > 0, "a link between families needs a delay > 0")
            self.source = source; self.population = population; self.target = target; self.handle = handle; self.delay = delay
        }
    }

    public let families: [any NetworkFamily]
    public let links: [Link]
    /// The run clock: simulated time, continuous across phases.
    public var time = SimTime.zero

    public init(families: [any NetworkFamily], links: [Link] = []) {
        self.families = families
        self.links = links
        for l in links { families[l.source].exportEvents(of: l.population) }
    }

    /// Every family's populations, in family order.
    public var layout: [RunDescription.Population] { families.flatMap(\.layout) }

    /// The counters of every family, summed.
    public var counters: RunCounters { families.reduce(RunCounters()) { $0 + $1.counters } }

    /// The families joined to family `f` by links (directly or through others), in index order.
    public func component(of f: Int) -> [Int] {
        var members: Set<Int> = [f], frontier = [f]
        while let g = frontier.popLast() {
            for l in links where l.source == g || l.target == g {
                for h in [l.source, l.target] where !members.contains(h) { members.insert(h); frontier.append(h) }
            }
        }
        return members.sorted()
    }

    /// Advances the component of family `f` from the run clock to `end` (or
    /// until `control` stops it, or until no family in it can change without
    /// outside input), and moves the run clock to where they stopped.
    @discardableResult
    public func advance(component f: Int, until end: SimTime, control: inout AdvanceControl) -> StopReason {
        let members = component(of: f)
        for m in members { families[m].resume(at: time) }
        defer { time = members.map { families[$0].now }.reduce(time) { Swift.max($0, $1) } }
        let inner = links.filter { members.contains($0.source) }
        guard let window = inner.map(\.delay).min() else { return families[f].advance(until: end, control: &control) }
        var windowStart = time
        while true {
            let windowEnd = Swift.min(end, windowStart + window)
            var quiet = true
            for m in members {
                switch families[m].advance(until: windowEnd, control: &control) {
                case .quiescent: break
                case .timeLimit: quiet = false
                case let reason: return reason
                }
            }
            var routed = false
            for m in members {
                let events = families[m].takeExportedEvents()
                guard !events.isEmpty else { continue }
                for l in inner where l.source == m {
                    let along = events.filter { $0.population == l.population }
                    if !along.isEmpty { families[l.target].receive(along, link: l.handle); routed = true }
                }
            }
            if quiet && !routed { return .quiescent }
            if windowEnd >= end { return .timeLimit }
            windowStart = windowEnd
        }
    }
}
