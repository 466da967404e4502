/// The generation stages, in pipeline order.
public enum Stage: String, CaseIterable, Sendable, Codable {
    case expand, systems, respond
}
