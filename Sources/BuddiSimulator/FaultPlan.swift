/// The faults the simulator injects, each a knob. Rates are fractions of requests (0…1),
/// except ``malformedMemoryRate``, a fraction of memories. All zero by default.
package struct FaultPlan: Sendable, Hashable {
    /// Requests answered `500 {"detail": "Internal Server Error"}`.
    package var serverErrorRate: Double
    /// Requests answered `429`.
    package var rateLimitRate: Double
    /// The `Retry-After` seconds sent with a 429; `nil` sends none.
    package var retryAfterSeconds: Int?
    /// Added to every request before it is answered.
    package var latency: Duration
    /// Responses that send half the body, go silent for ``stallDuration``, then send the rest.
    package var stallRate: Double
    /// How long a stalled body goes silent.
    package var stallDuration: Duration
    /// `200` responses whose JSON body is cut in the middle (with a matching `Content-Length`).
    package var truncateRate: Double
    /// `200` responses whose body is not JSON (a Python-style `repr` of the page).
    package var malformedJSONRate: Double
    /// Pages whose `next_cursor` makes the next page start again with this page's last memory.
    package var duplicateRate: Double
    /// Memories whose `id` is missing, empty or not a string (decided per memory, so stable).
    package var malformedMemoryRate: Double
    /// Pages asked for with a cursor whose `next_cursor` is that same cursor (a server stuck in a
    /// loop: a client following it blindly never ends).
    package var stuckCursorRate: Double
    /// Memories served broken in one of the ``BadMemoryKind`` ways (decided per memory, so stable).
    package var badMemoryRate: Double
    /// `200` responses whose body trickles in a byte at a time, ``dripInterval`` apart.
    package var dripRate: Double
    /// The pause between two bytes of a drip-fed body.
    package var dripInterval: Duration

    /// A plan; every fault off unless given.
    package init(
        serverErrorRate: Double = 0,
        rateLimitRate: Double = 0,
        retryAfterSeconds: Int? = 1,
        latency: Duration = .zero,
        stallRate: Double = 0,
        stallDuration: Duration = .seconds(5),
        truncateRate: Double = 0,
        malformedJSONRate: Double = 0,
        duplicateRate: Double = 0,
        malformedMemoryRate: Double = 0,
        stuckCursorRate: Double = 0,
        badMemoryRate: Double = 0,
        dripRate: Double = 0,
        dripInterval: Duration = .seconds(1)
    ) {
        self.serverErrorRate = serverErrorRate
        self.rateLimitRate = rateLimitRate
        self.retryAfterSeconds = retryAfterSeconds
        self.latency = latency
        self.stallRate = stallRate
        self.stallDuration = stallDuration
        self.truncateRate = truncateRate
        self.malformedJSONRate = malformedJSONRate
        self.duplicateRate = duplicateRate
        self.malformedMemoryRate = malformedMemoryRate
        self.stuckCursorRate = stuckCursorRate
        self.badMemoryRate = badMemoryRate
        self.dripRate = dripRate
        self.dripInterval = dripInterval
    }
}

/// A fault the simulator injected into one response.
package enum InjectedFault: String, Sendable, Hashable, CaseIterable {
    case serverError, rateLimited, stalledBody, drippedBody, truncatedBody, malformedJSON, duplicateMemory, stuckCursor
}

/// Draws the faults of each request from a seeded generator and counts what it injected.
actor FaultInjector {
    let plan: FaultPlan
    private var random: SeededGenerator
    private(set) var injected: [InjectedFault: Int] = [:]

    init(plan: FaultPlan, seed: UInt64) {
        self.plan = plan
        self.random = SeededGenerator(seed: SeededGenerator.mix(seed ^ 0xFA17))
    }

    /// The status fault of a request (500 or 429), if any.
    func statusFault() -> InjectedFault? {
        if random.chance(plan.serverErrorRate) { return record(.serverError) }
        if random.chance(plan.rateLimitRate) { return record(.rateLimited) }
        return nil
    }

    /// The body fault of a `200` response (stall, drip, truncation or malformed JSON), if any.
    func bodyFault() -> InjectedFault? {
        if random.chance(plan.stallRate) { return record(.stalledBody) }
        if random.chance(plan.dripRate) { return record(.drippedBody) }
        if random.chance(plan.truncateRate) { return record(.truncatedBody) }
        if random.chance(plan.malformedJSONRate) { return record(.malformedJSON) }
        return nil
    }

    /// Whether this page's last memory is to be repeated on the next page.
    func repeatsLastMemory() -> Bool {
        random.chance(plan.duplicateRate)
    }

    /// Counts a repeated memory that was actually served.
    func recordDuplicate() { _ = record(.duplicateMemory) }

    /// Whether this page's `next_cursor` repeats the request's cursor.
    func sticksCursor() -> Bool {
        guard random.chance(plan.stuckCursorRate) else { return false }
        _ = record(.stuckCursor)
        return true
    }

    private func record(_ fault: InjectedFault) -> InjectedFault {
        injected[fault, default: 0] += 1
        return fault
    }
}
