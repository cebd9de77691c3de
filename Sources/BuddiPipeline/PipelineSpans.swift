import Tracing

/// What the pipeline's spans say beside the engine's: the Buddi ids of the memories a span
/// handled (`buddi.memory_ids`, and `buddi.memory_id` when there is one), so that one search in a
/// tracing backend finds a memory's journey.
extension Span {
    /// Records the memories this span handled, when it is recording (`ids` is not built otherwise).
    func setMemoryIDs(_ ids: @autoclosure () -> [String]) {
        guard isRecording else { return }
        let ids = ids()
        attributes["buddi.memory_ids"] = SpanAttribute.stringArray(ids)
        attributes["buddi.memories"] = ids.count
        if ids.count == 1 { attributes["buddi.memory_id"] = ids[0] }
    }
}
