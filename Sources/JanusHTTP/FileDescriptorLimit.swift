import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The per-process open-file limit, which caps how many connections can be open at once.
package enum FileDescriptorLimit {
    /// Raises the soft RLIMIT_NOFILE toward the hard limit when it is below `needed`.
    /// Returns the soft limit in force afterwards (nil when it cannot be read).
    @discardableResult
    package static func raise(toAtLeast needed: Int) -> Int? {
        var limit = rlimit()
        #if canImport(Glibc)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return nil }
        let wanted = rlim_t(max(0, needed))
        guard limit.rlim_cur < wanted else { return Int(clamping: limit.rlim_cur) }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        if setrlimit(resource, &limit) != 0 { return nil }
        return Int(clamping: limit.rlim_cur)
    }
}
