extension Duration {
    /// The duration in seconds, as a `Double` (for rates, timeouts and clocks kept as numbers).
    package var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
