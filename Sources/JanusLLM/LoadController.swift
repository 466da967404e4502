import Foundation

/// Tells a server that is over its limit from one that refuses a steady share of requests at
/// random, and sets how many requests may be in flight and, while the server is over its limit,
/// how fast new ones may start. Time is seconds on any monotonic clock, so the rule can be
/// tested with plain numbers.
///
/// Answers are counted in epochs (at least `epochAnswers` answers and `epochSeconds`; while
/// paced, 5 answers and a second will do). A server that 429s at random answers 429 to a steady
/// small share in every epoch; it costs that share in retries and nothing else. A server over
/// its limit answers 429 to most of what goes beyond the limit: an epoch with `overloadShare` or
/// more 429s cuts the limit in proportion (at most by half) and paces new requests at the rate
/// the server did accept.
///
/// While paced, the share the server refuses anyway (the median of recent calm epochs) is the
/// floor: an epoch more than `margin` (or two standard errors) above it goes back to the
/// accepted rate, at most halving the pace; an epoch near it probes faster, 10% and then twice
/// as much after each calm epoch in a row (up to doubling), but at most 3% an epoch above the
/// rate of the last cut until five calm epochs up there say the limit has moved. Once the pace
/// no longer binds, pacing ends. Calm epochs grow the limit by half again, so a passing overload
/// costs seconds. Answers to requests sent before the last change are not counted: they tell of
/// the old pace.
struct LoadController: Sendable, Hashable {
    let maximum: Int
    private(set) var limit: Int
    /// Requests per second new sends are paced at; nil while the server is within its limit.
    private(set) var pacedRate: Double?
    /// Bumped by every change; a request carries the generation it was sent in.
    private(set) var generation = 0
    var epochAnswers = 40
    var epochSeconds = 0.5
    var overloadShare = 0.3
    var margin = 0.1
    /// Never paced slower than this many requests a second.
    var minimumRate = 1.0
    private var epochStart: Double?
    private var answered = 0
    private var throttled = 0
    /// 429 shares of recent calm paced epochs (the last 8), and calm epochs in a row.
    private var calmShares: [Double] = []
    private var calmRun = 0
    /// The rate the server took at the last cut, and calm epochs paced above it since.
    private var knownCapacity: Double?
    private var calmAboveCapacity = 0

    init(maximum: Int) {
        self.maximum = max(1, maximum)
        limit = self.maximum
    }

    /// Counts one answer (`throttled`: a 429) to a request sent in generation `sent`. Returns
    /// true when the limit or the pace changed.
    mutating func record(throttled isThrottled: Bool, sent: Int, now: Double) -> Bool {
        guard sent == generation else { return false }
        let start = epochStart ?? now
        epochStart = start
        answered += 1
        if isThrottled { throttled += 1 }
        let seconds = now - start
        // While paced, a slow epoch closes on time, so that a low pace can still recover.
        let slow = pacedRate != nil && answered >= 5 && seconds >= 1
        guard (answered >= epochAnswers && seconds >= epochSeconds) || slow else { return false }
        let share = Double(throttled) / Double(answered)
        let acceptedRate = Double(answered - throttled) / seconds
        let answerRate = Double(answered) / seconds
        let count = Double(answered)
        epochStart = nil
        answered = 0
        throttled = 0
        let before = (limit, pacedRate)
        if let rate = pacedRate {
            let floor = noiseFloor
            // Small epochs (a low pace) are noisier: the margin is at least two standard errors.
            let p = max(floor, 0.05)
            let allowance = max(margin, 2 * (p * (1 - p) / count).squareRoot())
            if share > floor + allowance {
                knownCapacity = acceptedRate / (1 - floor)
                calmAboveCapacity = 0
                // At most halved at once: a short epoch's accepted rate can be far off.
                pacedRate = max(acceptedRate * 0.95 / (1 - floor), rate / 2, minimumRate)
                calmRun = 0
            } else {
                if share <= floor + allowance / 2 {
                    calmShares = Array((calmShares + [share]).suffix(8))
                    calmRun += 1
                } else {
                    calmRun = 0
                }
                grow()
                var step = calmRun == 0 ? 0.02 : min(1, 0.1 * Double(1 << min(calmRun - 1, 10)))
                if let capacity = knownCapacity, rate >= capacity {
                    // Near where the server refused before: creep, and only after five calm
                    // epochs up there take it that the limit has gone up.
                    calmAboveCapacity += 1
                    if calmAboveCapacity >= 5 { knownCapacity = nil }
                    step = min(step, 0.03)
                }
                pacedRate = answerRate < rate * 0.5 ? nil : rate * (1 + step)
                if pacedRate == nil {
                    calmShares = []
                    knownCapacity = nil
                }
            }
        } else if share >= overloadShare {
            // No capacity is taken from this epoch: instant 429s come back before the answers
            // the server took, so its accepted rate is an underestimate to grow out of quickly.
            limit = max(1, limit / 2, Int((Double(limit) * (1 - share)).rounded(.up)))
            knownCapacity = nil
            pacedRate = max(acceptedRate * 0.95, minimumRate)
            calmRun = 0
        } else {
            grow()
        }
        guard before.0 != limit || before.1 != pacedRate else { return false }
        generation += 1
        return true
    }

    /// What the server refuses anyway: the median share of recent calm epochs (at most 0.2).
    private var noiseFloor: Double {
        guard !calmShares.isEmpty else { return 0 }
        return min(0.2, calmShares.sorted()[calmShares.count / 2])
    }

    private mutating func grow() {
        limit = min(maximum, limit + max(1, limit / 2))
    }
}
