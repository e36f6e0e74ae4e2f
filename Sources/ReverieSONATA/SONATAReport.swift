/// A SONATA report: frame-oriented recordings of node elements (SONATA
/// developer guide, "Frame oriented, node element recordings"; read by
/// libsonata's `ElementReportReader`/`SomaReportReader` and bmtk's
/// `CompartmentReport`):
///
/// ```
/// /report/<population>/data                    float32 [frames, values], attribute units
/// /report/<population>/mapping/node_ids        uint64 [nodes], attribute sorted (int8 0/1)
/// /report/<population>/mapping/index_pointers  uint64 [nodes + 1]: node i owns columns
///                                              index_pointers[i] ..< index_pointers[i + 1]
/// /report/<population>/mapping/element_ids     uint32 [values]
/// /report/<population>/mapping/element_pos     float32 [values], 0.5 (the centre of a single compartment)
/// /report/<population>/mapping/time            float64 [3] = start, stop, step; attribute units
/// ```
/// Frame k is at time start + k·step; the interval is open at stop, so there
/// are (stop − start)/step frames. `mapping/index_pointer` is a second name
/// (hard link) of `index_pointers`: bmtk reads that name, libsonata the
/// spec's. `data` also carries the attribute `variable` (bmtk's).
public struct SONATAReport: Equatable, Sendable {
    public struct Population: Equatable, Sendable {
        public var name: String
        public var nodeIDs: [UInt64]
        public var indexPointers: [UInt64]
        public var elementIDs: [UInt32]
        public var start: Double
        public var stop: Double
        public var step: Double
        public var timeUnits: String
        public var dataUnits: String
        /// What was recorded (the `variable` attribute of `data`, e.g. "v").
        public var variable: String
        /// frames × values, row-major.
        public var data: [Float]

        /// A report of one value per node (a point neuron's membrane potential: element id 0).
        public init(name: String, nodeIDs: [UInt64], start: Double, step: Double, frames: Int, data: [Float],
                    timeUnits: String = "ms", dataUnits: String = "mV", variable: String = "v") {
            precondition(data.count == frames * nodeIDs.count, "one value per node and frame")
            self.init(name: name, nodeIDs: nodeIDs, indexPointers: (0...nodeIDs.count).map { UInt64($0) },
                      elementIDs: [UInt32](repeating: 0, count: nodeIDs.count), start: start,
                      stop: start + Double(frames) * step, step: step, timeUnits: timeUnits, dataUnits: dataUnits,
                      variable: variable, data: data)
        }

        public init(name: String, nodeIDs: [UInt64], indexPointers: [UInt64], elementIDs: [UInt32], start: Double, stop: Double,
                    step: Double, timeUnits: String, dataUnits: String, variable: String, data: [Float]) {
            self.name = name; self.nodeIDs = nodeIDs; self.indexPointers = indexPointers; self.elementIDs = elementIDs
            self.start = start; self.stop = stop; self.step = step; self.timeUnits = timeUnits; self.dataUnits = dataUnits
            self.variable = variable; self.data = data
        }

        public var frames: Int { elementIDs.isEmpty ? 0 : data.count / elementIDs.count }

        /// The values of frame `k`.
        public func frame(_ k: Int) -> ArraySlice<Float> { data[(k * elementIDs.count)..<((k + 1) * elementIDs.count)] }
    }

    public var populations: [Population]

    public init(populations: [Population]) { self.populations = populations }

    /// Writes the report at `path`; data are chunked by up to 1024 frames of all values.
    public func write(to path: String) throws {
        try HDF5File.write(path) { f in
            try f.makeGroup("/report")
            try SONATAFormat.setRootAttributes(f)
            for p in populations {
                let group = "/report/" + p.name, mapping = group + "/mapping"
                let values = p.elementIDs.count
                try f.write(p.data, to: group + "/data", shape: [p.frames, values], chunk: [max(1, min(p.frames, 1024)), max(values, 1)])
                try f.setAttribute("units", string: p.dataUnits, on: group + "/data")
                try f.setAttribute("variable", string: p.variable, on: group + "/data")
                try f.write(p.nodeIDs, to: mapping + "/node_ids")
                let sorted = zip(p.nodeIDs, p.nodeIDs.dropFirst()).allSatisfy { $0 < $1 }
                try f.setAttribute("sorted", [UInt8(sorted ? 1 : 0)], scalar: true, on: mapping + "/node_ids")
                try f.write(p.indexPointers, to: mapping + "/index_pointers")
                try f.link(mapping + "/index_pointers", as: mapping + "/index_pointer")
                try f.write(p.elementIDs, to: mapping + "/element_ids")
                try f.write([Float](repeating: 0.5, count: p.elementIDs.count), to: mapping + "/element_pos")
                try f.write([p.start, p.stop, p.step], to: mapping + "/time")
                try f.setAttribute("units", string: p.timeUnits, on: mapping + "/time")
            }
        }
    }

    /// Reads every population of the report at `path`, checking that the mapping
    /// and the data agree.
    public static func read(path: String) throws -> SONATAReport {
        try HDF5File.read(path) { f in
            guard f.isGroup("/report") else { throw f.error("/report", "missing (expected the group of a SONATA report)") }
            var populations: [Population] = []
            for name in try f.members(of: "/report") {
                let group = "/report/" + name, mapping = group + "/mapping"
                let nodes = try f.readIndices(mapping + "/node_ids")
                let pointers = try f.readIndices(mapping + "/index_pointers")
                let elements = try f.readIndices(mapping + "/element_ids")
                let time = try f.read(mapping + "/time", as: Double.self)
                guard time.count == 3 else { throw f.error(mapping + "/time", "expected 3 values (start, stop, step), found \(time.count)") }
                guard pointers.count == nodes.count + 1, pointers.first == 0, pointers.last == UInt64(elements.count),
                      zip(pointers, pointers.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                    throw f.error(mapping + "/index_pointers", "expected \(nodes.count + 1) non-decreasing offsets from 0 to \(elements.count)")
                }
                let shape = try f.shape(of: group + "/data")
                guard shape.count == 2, shape[1] == elements.count else {
                    throw f.error(group + "/data", "expected shape [frames, \(elements.count)], found \(shape)")
                }
                let ids = elements.compactMap { UInt32(exactly: $0) }
                guard ids.count == elements.count else {
                    throw f.error(mapping + "/element_ids", "expected 32-bit element ids")
                }
                populations.append(Population(name: name, nodeIDs: nodes, indexPointers: pointers, elementIDs: ids,
                                              start: time[0], stop: time[1], step: time[2],
                                              timeUnits: try f.text("units", on: mapping + "/time"),
                                              dataUnits: try f.text("units", on: group + "/data"),
                                              variable: f.hasAttribute("variable", on: group + "/data") ? try f.text("variable", on: group + "/data") : "",
                                              data: try f.read(group + "/data", as: Float.self)))
            }
            return SONATAReport(populations: populations)
        }
    }
}
