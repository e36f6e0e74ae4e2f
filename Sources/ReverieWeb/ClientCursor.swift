/// How much of the live state one browser has received, so its next frame carries
/// only what is new to it, whenever it is ready to take one.
struct ClientCursor {
    var runGeneration = -1
    var runSent = false
    var ratesVersion = 0
    var weights = BoundedSeries.Cursor()
    var phases = BoundedSeries.Cursor()
    var metrics: [Int: BoundedSeries.Cursor] = [:]
    var histogramVersion = 0
    var endSent = false
    /// The next raster event (index from the start of the run) this client lacks.
    var rasterNext = 0
    /// Raster events this client never received: overwritten before it was ready, or over one frame's limit.
    var rasterDropped = 0
}
