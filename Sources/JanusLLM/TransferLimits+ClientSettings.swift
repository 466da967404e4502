import JanusHTTP

extension TransferLimits {
    /// The limits `settings` asks for.
    init(_ settings: ClientSettings) {
        self.init(
            connectTimeout: settings.connectTimeout, totalTimeout: settings.totalTimeout,
            lowSpeedBytes: settings.lowSpeedBytes, lowSpeedSeconds: settings.lowSpeedSeconds)
    }
}
