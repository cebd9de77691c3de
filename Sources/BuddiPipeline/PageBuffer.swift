/// A bounded hand-over between the task walking the API's pages and the one storing them: the
/// walker waits when `capacity` pages are waiting; the storer takes every page that has arrived
/// (up to a maximum) at once, so that a slow store batches several pages into one transaction.
actor PageBuffer<Element: Sendable> {
    private let capacity: Int
    private var items: [Element] = []
    private var end: Result<Void, any Error>?
    private var closed = false
    private var waitingTaker: CheckedContinuation<Void, Never>?
    private var waitingPutter: CheckedContinuation<Void, Never>?

    init(capacity: Int) {
        precondition(capacity > 0, "a buffer holds at least one page")
        self.capacity = capacity
    }

    /// Adds a page, waiting while the buffer is full. Returns false once the storer has closed
    /// the buffer: the walker should stop.
    func put(_ item: Element) async -> Bool {
        while items.count >= capacity, !closed {
            await withCheckedContinuation { waitingPutter = $0 }
        }
        guard !closed else { return false }
        items.append(item)
        wakeTaker()
        return true
    }

    /// The walker is done: `error` if it failed.
    func finish(throwing error: (any Error)? = nil) {
        end = error.map { .failure($0) } ?? .success(())
        wakeTaker()
    }

    /// Up to `maximum` pages, waiting for at least one; empty once the walker finished and
    /// everything was taken. Throws the walker's error after the pages it delivered before it.
    func take(maximum: Int) async throws -> [Element] {
        while items.isEmpty {
            if let end {
                try end.get()
                return []
            }
            await withCheckedContinuation { waitingTaker = $0 }
        }
        let taken = Array(items.prefix(maximum))
        items.removeFirst(taken.count)
        waitingPutter?.resume()
        waitingPutter = nil
        return taken
    }

    /// The storer stops: a waiting walker is released and told to stop.
    func close() {
        closed = true
        waitingPutter?.resume()
        waitingPutter = nil
    }

    private func wakeTaker() {
        waitingTaker?.resume()
        waitingTaker = nil
    }
}
