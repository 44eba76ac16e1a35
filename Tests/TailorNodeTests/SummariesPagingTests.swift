import TailorDemo
@testable import TailorNode
import TailorWire
import Testing

/// The gateway's catalog mirror comes from the nodes a page at a time, so that a
/// big catalog never makes an answer past the wire's message limit.
@Suite("catalog summaries in pages")
struct SummariesPagingTests {
    @Test("following resume_partition and resume_row gives every product once, each page within its limit")
    func pagesCoverEveryProductOnce() async throws {
        let node = try SituatedScoringTests.node()
        var queue: [UInt32] = Array(0..<8)
        var firstRow: UInt32 = 0
        var ids: [String] = []
        var answered: [UInt32] = []
        var pages = 0
        while !queue.isEmpty {
            var request = WireSummariesRequest()
            request.partitions = queue
            request.firstRow = firstRow
            request.limit = 300
            let response = try await node.summaries(request)
            pages += 1
            #expect(response.products.count <= 300)
            ids += response.products.map(\.id)
            answered += response.partitions
            if response.hasResumePartition {
                let resume = try #require(queue.firstIndex(of: response.resumePartition))
                queue.removeFirst(resume)
                firstRow = response.resumeRow
            } else {
                queue.removeAll()
            }
            #expect(pages < 100, "no progress")
            if pages >= 100 { break }
        }
        #expect(ids.count == Set(ids).count, "a product came twice")
        #expect(Set(ids) == Set((0..<2_000).map(DemoIDs.product)))
        #expect(answered == Array(0..<8))
        #expect(pages == 7)  // 2,000 products, 300 a page
    }
}
