/// A SONATA or HDF5 file that cannot be written or read as expected: names the
/// file, the object inside it (an HDF5 path such as `/spikes/exc/node_ids`) and
/// what was wrong or expected.
public struct SONATAError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var object: String
    public var message: String

    public init(file: String, object: String = "", _ message: String) {
        self.file = file; self.object = object; self.message = message
    }

    public var description: String { object.isEmpty ? "\(file): \(message)" : "\(file): \(object): \(message)" }
}
