import Synchronization

/// Bounds how many exports stream at once, so that slow readers cannot take every database
/// connection: an export beyond the bound is refused (429) rather than queued.
final class ExportSlots: Sendable {
    /// Exports streaming at once at most.
    static let limit = 4
    private let inUse = Mutex(0)

    /// A slot, given back when the lease is gone (the export's body done, or never sent).
    final class Lease: Sendable {
        private let slots: ExportSlots
        fileprivate init(_ slots: ExportSlots) { self.slots = slots }
        deinit { slots.inUse.withLock { $0 -= 1 } }
    }

    /// Takes a slot; nil when every slot is taken.
    func take() -> Lease? {
        let taken = inUse.withLock { count in
            guard count < Self.limit else { return false }
            count += 1
            return true
        }
        return taken ? Lease(self) : nil
    }
}
