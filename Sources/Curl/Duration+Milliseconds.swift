extension Duration {
    /// The duration in whole milliseconds, rounded up so that a positive duration is at least 1 (libcurl reads 0 as
    /// "no timeout"), and clamped to `CLong`.
    var curlMilliseconds: CLong {
        let (seconds, attoseconds) = components
        guard seconds < CLong.max / 1000 else {
            return .max
        }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return CLong(seconds) * 1000 + CLong(fraction)
    }
}
