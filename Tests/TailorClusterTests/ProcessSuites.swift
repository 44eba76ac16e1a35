import Testing

/// The suites that start `tailor` processes run one after another, not side by side:
/// four clusters at once on a 2-core machine miss the deadlines their tests assert.
@Suite(.serialized)
enum ProcessSuites {}
