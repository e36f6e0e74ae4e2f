/// The most recent decimated raster events, in arrival order, in a ring of fixed
/// capacity (structure of arrays, as they are sent). Event n (counting from the
/// start of the run) sits at n mod capacity while n ≥ `written` − capacity.
struct RasterRing {
    /// What an event is: a spike, or a binary unit's state change to +1 or −1.
    enum Mark: UInt8 { case spike = 1, up = 2, down = 3 }

    let capacity: Int
    private(set) var times: [Double]
    private(set) var units: [UInt32]
    private(set) var populations: [UInt16]
    private(set) var marks: [UInt8]
    /// Events appended so far.
    private(set) var written = 0

    init(capacity: Int) {
        self.capacity = capacity
        times = Array(repeating: 0, count: capacity)
        units = Array(repeating: 0, count: capacity)
        populations = Array(repeating: 0, count: capacity)
        marks = Array(repeating: 0, count: capacity)
    }

    mutating func append(time: Double, unit: UInt32, population: UInt16, mark: Mark) {
        let k = written % capacity
        times[k] = time; units[k] = unit; populations[k] = population; marks[k] = mark.rawValue
        written += 1
    }

    /// The oldest event still held.
    var oldest: Int { max(0, written - capacity) }

    /// Appends events `range` (all still held) to `out` as little-endian f64 times,
    /// u32 units, u16 populations and u8 marks, one block after the other.
    func encode(_ range: Range<Int>, into out: inout [UInt8]) {
        precondition(range.lowerBound >= oldest && range.upperBound <= written)
        let n = range.count
        let base = out.count
        out += repeatElement(0, count: n * 15)
        out.withUnsafeMutableBytes { raw in
            var p = base
            for e in range {
                raw.storeBytes(of: times[e % capacity].bitPattern.littleEndian, toByteOffset: p, as: UInt64.self); p += 8
            }
            for e in range {
                raw.storeBytes(of: units[e % capacity].littleEndian, toByteOffset: p, as: UInt32.self); p += 4
            }
            for e in range {
                raw.storeBytes(of: populations[e % capacity].littleEndian, toByteOffset: p, as: UInt16.self); p += 2
            }
            for e in range { raw[p] = marks[e % capacity]; p += 1 }
        }
    }
}
