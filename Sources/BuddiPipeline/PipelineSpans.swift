import Tracing

/// What the pipeline's spans say beside the engine's: the Buddi ids of the memories a span
/// handled (`buddi.memory_ids`, or `buddi.memory_id` for one), so that one search in a tracing
/// backend finds a memory's journey.
extension Span {
    /// Records the memories this span handled, when it is recording.
    func setMemoryIDs(_ ids: [String]) {
        guard isRecording else { return }
        if ids.count == 1 {
            attributes["buddi.memory_id"] = ids[0]
        } else {
            attributes["buddi.memory_ids"] = SpanAttribute.stringArray(ids)
        }
        attributes["buddi.memories"] = ids.count
    }
}
