import ArgumentParser
import Foundation
import ReverieSpec

/// Errors every MPI rank meets alike (a bad model file, a failed task of a sweep):
/// rank 0 prints them. A rank other than 0 leaves the message to rank 0 and exits
/// after it with the same status, so that mpirun reports rank 0's status and its
/// banner does not cut into rank 0's message.
enum RankErrors {
    static func quietExit<Command: ParsableCommand>(_ error: any Error, of command: Command.Type) -> ExitCode {
        Thread.sleep(forTimeInterval: 2)
        return error is ModelError ? ExitCode(ModelFileExit.status) : Command.exitCode(for: error)
    }
}
