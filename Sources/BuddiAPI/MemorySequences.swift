/// The pages of a query, newest first, following `next_cursor` to the last page.
///
/// Each step is ``BuddiAPIClient/fetchPage(_:cursor:)``, with its retries; an error ends the
/// sequence. A server that hands back the cursor it was given ends it with
/// ``BuddiAPIError/malformedResponse(location:reason:)`` rather than looping forever.
package struct MemoryPages: AsyncSequence, Sendable {
    package typealias Element = MemoryPage
    package typealias Failure = BuddiAPIError

    let client: BuddiAPIClient
    let query: MemoryQuery
    let startCursor: String?

    package func makeAsyncIterator() -> Iterator {
        Iterator(client: client, query: query, cursor: startCursor)
    }

    /// Fetches the next page when asked.
    package struct Iterator: AsyncIteratorProtocol {
        let client: BuddiAPIClient
        let query: MemoryQuery
        var cursor: String?
        var finished = false

        /// The cursor the next page will be fetched with: where to resume after a stop.
        package var nextCursor: String? { cursor }

        package mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(BuddiAPIError)
            -> MemoryPage?
        {
            guard !finished else { return nil }
            let page = try await client.fetchPage(query, cursor: cursor)
            cursor = page.nextCursor
            finished = page.nextCursor == nil
            return page
        }

        package mutating func next() async throws(BuddiAPIError) -> MemoryPage? {
            try await next(isolation: nil)
        }
    }
}

/// The memories of a query, newest first, page after page.
///
/// A memory repeated at the start of the next page (as a server does when memories arrive
/// between two calls) is yielded once.
package struct MemoryStream: AsyncSequence, Sendable {
    package typealias Element = Memory
    package typealias Failure = BuddiAPIError

    let pages: MemoryPages

    package func makeAsyncIterator() -> Iterator {
        Iterator(pages: pages.makeAsyncIterator())
    }

    /// Hands out the memories of one page, then fetches the next.
    package struct Iterator: AsyncIteratorProtocol {
        var pages: MemoryPages.Iterator
        var buffered: ArraySlice<Memory> = []
        var previousPageIDs: Set<String> = []

        package mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(BuddiAPIError)
            -> Memory?
        {
            while buffered.isEmpty {
                guard let page = try await pages.next(isolation: actor) else { return nil }
                buffered = page.memories.filter { !previousPageIDs.contains($0.id) }[...]
                previousPageIDs = Set(page.memories.map(\.id))
            }
            return buffered.popFirst()
        }

        package mutating func next() async throws(BuddiAPIError) -> Memory? {
            try await next(isolation: nil)
        }
    }
}
