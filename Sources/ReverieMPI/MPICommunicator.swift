import CMPI
import Foundation

/// The MPI world of a run started by `mpirun` (or `srun`), through Open MPI's C
/// API (the only target that links MPI). A process started without a launcher
/// never initialises MPI: it is one rank and needs nothing of MPI but the
/// library itself.
public final class MPICommunicator: @unchecked Sendable {
    public let rank: Int
    public let size: Int
    private var finalized = false

    /// The world communicator if this process was started by an MPI launcher
    /// (Open MPI's `OMPI_COMM_WORLD_SIZE`, PMIx's `PMIX_RANK`, Slurm's `PMI_SIZE`), else nil.
    public static func launched() -> MPICommunicator? {
        let env = ProcessInfo.processInfo.environment
        guard env["OMPI_COMM_WORLD_SIZE"] != nil || env["PMIX_RANK"] != nil || env["PMI_SIZE"] != nil else { return nil }
        return MPICommunicator()
    }

    /// This process's rank from the launcher's environment (MPI is not initialised), or nil without a launcher.
    public static func launchedRank() -> Int? {
        let env = ProcessInfo.processInfo.environment
        return (env["OMPI_COMM_WORLD_RANK"] ?? env["PMIX_RANK"] ?? env["PMI_RANK"]).flatMap { Int($0) }
    }

    private init() {
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided)
        MPI_Comm_set_errhandler(rv_mpi_comm_world(), rv_mpi_errors_return())
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(rv_mpi_comm_world(), &r)
        MPI_Comm_size(rv_mpi_comm_world(), &s)
        rank = Int(r)
        size = Int(s)
    }

    deinit { finalize() }

    /// Ends MPI (once); call before the process exits.
    public func finalize() {
        guard !finalized else { return }
        finalized = true
        MPI_Finalize()
    }

    /// Every rank's bytes, in rank order (`MPI_Allgatherv` after an `MPI_Allgather` of the lengths).
    public func allGather(_ bytes: [UInt8]) throws -> [[UInt8]] {
        var count = Int32(bytes.count)
        var counts = [Int32](repeating: 0, count: size)
        try check(MPI_Allgather(&count, 1, rv_mpi_int(), &counts, 1, rv_mpi_int(), rv_mpi_comm_world()), "MPI_Allgather")
        var displacements = [Int32](repeating: 0, count: size)
        for r in 1..<max(size, 1) { displacements[r] = displacements[r - 1] + counts[r - 1] }
        let total = Int(counts.reduce(0, +))
        var all = [UInt8](repeating: 0, count: max(total, 1))
        var send = bytes.isEmpty ? [UInt8](repeating: 0, count: 1) : bytes
        try check(MPI_Allgatherv(&send, count, rv_mpi_byte(), &all, &counts, &displacements, rv_mpi_byte(), rv_mpi_comm_world()),
                  "MPI_Allgatherv")
        return (0..<size).map { r in Array(all[Int(displacements[r])..<Int(displacements[r] + counts[r])]) }
    }

    /// Every rank's block of `send.count` bytes (the same count on every rank), in rank
    /// order, into `receive`, in one `MPI_Allgather`.
    public func allGatherBlocks(_ send: UnsafeRawBufferPointer, into receive: UnsafeMutableRawBufferPointer) throws {
        precondition(receive.count == send.count * size)
        try check(MPI_Allgather(UnsafeMutableRawPointer(mutating: send.baseAddress), Int32(send.count), rv_mpi_byte(),
                                receive.baseAddress, Int32(send.count), rv_mpi_byte(), rv_mpi_comm_world()), "MPI_Allgather")
    }

    /// The sum over ranks of each value.
    public func sum(_ values: [Int64]) throws -> [Int64] {
        var send = values, out = [Int64](repeating: 0, count: values.count)
        try check(MPI_Allreduce(&send, &out, Int32(values.count), rv_mpi_int64(), rv_mpi_sum(), rv_mpi_comm_world()), "MPI_Allreduce")
        return out
    }

    public func barrier() throws { try check(MPI_Barrier(rv_mpi_comm_world()), "MPI_Barrier") }

    /// Ends the job on every rank (after an error on this one).
    public func abort(_ code: Int32) -> Never {
        MPI_Abort(rv_mpi_comm_world(), code)
        exit(code)
    }

    private func check(_ status: Int32, _ call: String) throws {
        guard status != rv_mpi_success() else { return }
        var length: Int32 = 0
        var text = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        MPI_Error_string(status, &text, &length)
        throw MPIError(rank: rank, call: call, message: String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

/// An MPI call that failed (typically because another rank died).
public struct MPIError: Error, CustomStringConvertible {
    public let rank: Int
    public let call: String
    public let message: String
    public var description: String { "rank \(rank): \(call) failed: \(message)" }
}
