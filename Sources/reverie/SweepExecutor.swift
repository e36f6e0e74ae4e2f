import Foundation

/// Runs independent tasks on `jobs` threads and returns their results in task
/// order, so the outputs do not depend on the number of threads or on which
/// finishes first. After a failure no new task starts; the error of the
/// lowest-numbered failed task is thrown.
struct SweepExecutor {
    let jobs: Int

    func map<T: Sendable>(_ count: Int, onDone: @escaping @Sendable (_ done: Int) -> Void,
                          _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let state = State<T>(count: count)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(jobs, count)) {
            group.enter()
            // Model runs recurse little, but give every worker the main thread's stack size.
            let thread = Thread {
                while let k = state.next() {
                    let result = Result { try body(k) }
                    onDone(state.finish(k, result))
                }
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        return try state.results()
    }

    /// The shared queue position and result slots, behind one lock.
    private final class State<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var nextIndex = 0, done = 0, failed = false
        private var slots: [Result<T, any Error>?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func next() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard !failed, nextIndex < slots.count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }

        /// Stores a result and returns how many tasks are done.
        func finish(_ k: Int, _ result: Result<T, any Error>) -> Int {
            lock.lock(); defer { lock.unlock() }
            slots[k] = result
            if case .failure = result { failed = true }
            done += 1
            return done
        }

        func results() throws -> [T] {
            for slot in slots { if case .failure(let e)? = slot { throw e } }
            return slots.compactMap { if case .success(let v)? = $0 { v } else { nil } }
        }
    }
}
