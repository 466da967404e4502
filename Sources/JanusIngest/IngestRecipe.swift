/// The order of the ingest steps after reading and exact dedup.
public enum IngestRecipe: String, Sendable, Hashable, CaseIterable {
    /// The paper's (Appendix A.1): sample (the quotas, then the fill source up to the total),
    /// then drop the filter's hits. Near-dedup off unless asked for.
    case paper
    /// Filter first, then near-dedup, then sample: the quotas are filled with usable,
    /// distinct instructions.
    case clean
}
