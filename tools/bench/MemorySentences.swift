/// Memory-like sentences, all different, made from word lists so no corpus has to be downloaded.
///
/// Index `i` is first spread over the whole combination space (multiplied by a number coprime with
/// it), then read as a mixed-radix number whose digits choose one word per slot: consecutive memories
/// differ in most words, as real ones do, and no two indexes below `capacity` give the same sentence
/// (so the store's exact-duplicate check never merges them).
struct MemorySentences {
    static let subjects = [
        "The user", "Alice", "Bob", "The team lead", "My manager", "The client", "Our designer", "The on-call engineer",
        "Grandma", "The landlord", "Sam", "Priya", "Jonas", "The new intern", "Dr. Keller", "Mei",
    ]
    static let verbs = [
        "prefers", "dislikes", "asked about", "is allergic to", "wants to try", "recommended", "forgot about",
        "is learning", "complained about", "booked", "keeps mentioning", "switched to", "ordered", "reviewed",
        "cancelled", "is excited about", "needs help with", "finished",
    ]
    static let objects = [
        "oat milk lattes", "the quarterly report", "Rust async runtimes", "hiking boots", "a vegan lasagna recipe",
        "the Berlin conference", "dark mode in every editor", "a standing desk", "peanut butter", "the Kyoto trip",
        "Python type hints", "the budget spreadsheet", "jazz piano lessons", "the Postgres migration", "sourdough bread",
        "a red bicycle", "the dentist appointment", "noise-cancelling headphones", "the garden irrigation", "chess openings",
        "the wedding playlist", "a cheaper phone plan", "the API rate limits", "watercolour painting",
    ]
    static let times = [
        "on Monday", "last week", "every morning", "before the holidays", "in March", "after lunch", "since 2021",
        "yesterday evening", "twice a month", "during the sprint review", "at the weekend", "next Thursday",
        "this quarter", "at night",
    ]
    static let contexts = [
        "while planning the move", "during a call with support", "when we discussed the roadmap", "over dinner",
        "in the shared notes", "after the gym", "while travelling to Lisbon", "in a long email thread",
        "during code review", "at the family barbecue", "in the Slack channel", "while fixing the printer",
        "on the train home", "at the farmers market", "in the retrospective", "when the server went down",
        "before the exam", "while cooking", "at the bookshop", "during the school run",
    ]
    static let tails = [
        "and wants a reminder", "so keep that in mind", "and it matters a lot", "but only on weekdays",
        "unless it rains", "and said it twice", "according to the notes", "which surprised everyone",
        "and would like follow-up", "for the second time", "with some hesitation", "and was very specific about it",
    ]

    static var slots: [[String]] { [subjects, verbs, objects, times, contexts, tails] }

    /// How many distinct sentences exist.
    static let capacity: Int = slots.reduce(1) { $0 * $1.count }

    /// A prime multiplier, so coprime with `capacity` (whose prime factors are only 2, 3, 5 and 7).
    private static let stride = 1_000_003

    /// The sentence number `index`; distinct for distinct indexes below `capacity`.
    static func sentence(_ index: Int) -> String {
        var n = (index % capacity) * stride % capacity
        var words: [String] = []
        words.reserveCapacity(6)
        for slot in slots {
            words.append(slot[n % slot.count])
            n /= slot.count
        }
        return words.joined(separator: " ") + "."
    }
}
