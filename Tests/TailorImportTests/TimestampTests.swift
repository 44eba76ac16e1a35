import Foundation
import Testing
import TailorImport

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2024-05-20T19:13:44Z", 1_716_232_424.0),
        ("2024-05-20T19:13:44.310Z", 1_716_232_424.31),
        ("2024-05-20T19:13:44.019123Z", 1_716_232_424.019123),
        ("2024-05-20T21:13:44+02:00", 1_716_232_424.0),
        ("2024-05-20T14:13:44-0500", 1_716_232_424.0),
        ("2024-05-20 19:13:44Z", 1_716_232_424.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("1716232424", 1_716_232_424.0),
        ("1716232424310", 1_716_232_424.31),
        ("1716232424.5", 1_716_232_424.5),
    ])
    func readsTimes(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.isoOrUnix(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test(arguments: ["", "yesterday", "2024-05-20", "2024-05-20T19:13:44", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z",
                      "2024-05-20T25:00:00Z", "2024-05-20T19:13:44.Z", "2024-05-20T19:13:44Zjunk", "12.5.2024"])
    func refusesWhatIsNotATime(text: String) {
        #expect(Timestamp.isoOrUnix(text) == nil)
    }
}
