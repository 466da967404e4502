import Foundation

/// How long a transfer may go without receiving a byte before it counts as hung (libcurl's
/// low-speed limit: under 1 byte a second for that many seconds).
///
/// Learned per purpose (stage) from how long answers took: four times the 99th percentile of
/// the last 256, at least `floor` seconds, at most the configured `stall_timeout`. Until 20
/// answers of a purpose have come back, the configured value holds. A request whose earlier
/// attempts were cut for stalling gets double the time on each retry, so an answer that really
/// takes that long is cut a few times at most, while a hung server costs seconds, not minutes.
struct StallEstimate: Sendable {
    /// The configured `stall_timeout` (seconds): never more than this.
    var ceiling: Int
    var floor = 3
    var window = 256
    var minimumSamples = 20

    struct Samples {
        var durations: [Double] = []
        var next = 0
        var sinceEstimate = 0
        var estimate: Int?

        mutating func add(_ seconds: Double, window: Int, minimumSamples: Int) {
            if durations.count < window {
                durations.append(seconds)
            } else {
                durations[next] = seconds
                next = (next + 1) % window
            }
            sinceEstimate += 1
            if durations.count >= minimumSamples, estimate == nil || sinceEstimate >= 16 {
                estimate = Int((4 * percentile99()).rounded(.up))
                sinceEstimate = 0
            }
        }

        /// The 99th percentile of the window: the element a sort would put at `count * 0.99`,
        /// found by keeping the few largest (three at most for 256) rather than sorting.
        func percentile99() -> Double {
            let index = min(durations.count - 1, Int(Double(durations.count) * 0.99))
            let keep = durations.count - index
            var largest: [Double] = []  // descending
            largest.reserveCapacity(keep + 1)
            for value in durations where largest.count < keep || value > largest[keep - 1] {
                let at = largest.firstIndex { value > $0 } ?? largest.count
                largest.insert(value, at: at)
                if largest.count > keep { largest.removeLast() }
            }
            return largest[keep - 1]
        }
    }

    private var samples: [String: Samples] = [:]

    init(ceiling: Int) {
        self.ceiling = max(1, ceiling)
    }

    /// Records how long an answered attempt of `purpose` took. The samples are changed where
    /// they are kept: a copy taken out of the dictionary and stored back would copy the window
    /// of durations on every answer.
    mutating func record(purpose: String, seconds: Double) {
        samples[purpose, default: Samples()].add(seconds, window: window, minimumSamples: minimumSamples)
    }

    /// Seconds without a byte after which an attempt of `purpose` is cut, when `stalls` earlier
    /// attempts of the same request were cut already.
    func seconds(purpose: String, stalls: Int) -> Int {
        guard let learned = samples[purpose]?.estimate else { return ceiling }
        let base = max(floor, learned)
        let scaled = base << min(max(0, stalls), 16)
        return min(ceiling, scaled)
    }
}
