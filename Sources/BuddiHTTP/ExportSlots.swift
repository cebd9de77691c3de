import Foundation
import Synchronization

/// Bounds how many exports stream at once, so that slow readers cannot take every database
/// connection: an export beyond the bound is refused (429) rather than queued. A slot held past
/// ``maxHold`` (a client that stopped reading, whose write now waits for ever) no longer counts.
final class ExportSlots: Sendable {
    /// Exports streaming at once at most.
    static let limit = 4
    /// How long one export may hold its slot.
    static let maxHold: TimeInterval = 15 * 60
    private let held = Mutex<[UUID: Date]>([:])

    /// A slot, given back when the lease is gone (the export's body done, or never sent).
    final class Lease: Sendable {
        private let slots: ExportSlots
        private let id: UUID
        fileprivate init(_ slots: ExportSlots, id: UUID) {
            self.slots = slots
            self.id = id
        }
        deinit { _ = slots.held.withLock { $0.removeValue(forKey: id) } }
    }

    /// Takes a slot; nil when every slot is taken.
    func take(now: Date = Date()) -> Lease? {
        let id = UUID()
        let taken = held.withLock { held in
            held = held.filter { now.timeIntervalSince($0.value) < Self.maxHold }
            guard held.count < Self.limit else { return false }
            held[id] = now
            return true
        }
        return taken ? Lease(self, id: id) : nil
    }
}
