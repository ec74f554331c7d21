using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Common;
using CnsExchange.Infrastructure.Reference;

namespace CnsExchange.Infrastructure.Tests.PaymentFiles;

/// <summary>Models of a small payment run, built the way the run orchestration will build them.</summary>
internal static class PaymentFileSamples
{
    public static readonly ReferenceDataLoader ReferenceData = new();

    /// <summary>A file of the repository (the published schemas in openapi/).</summary>
    public static string RepositoryFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnsExchange.sln"))) dir = dir.Parent;
        return Path.Combine([dir?.FullName ?? throw new InvalidOperationException("Repository root not found"), .. parts]);
    }

    public static readonly Guid RunId = Guid.Parse("6f1c0c2e-8d7a-4a43-9d38-0d5f3a0b7e11");
    public const string RunNumber = "PR-2026-0047";
    public static readonly DateOnly ExecutionDate = new(2026, 11, 30);
    public static readonly DateTimeOffset CreatedAt = LuxembourgCalendar.AtLocal(new DateOnly(2026, 11, 30), new TimeOnly(2, 0, 7)).ToUniversalTime();

    public static PaymentOrder Order(string code, string name, string iban, string bic, decimal amount) =>
        new(code, name, iban, bic, amount, $"{RunNumber}-{code}", $"CNS paiement {RunNumber} {code} mémoires d'honoraires");

    public static IReadOnlyList<PaymentOrder> Orders() =>
    [
        Order("PHY0001", "Kiné Bascharage", "LU390010001234567890", "BCEELULL", 1234.56m),
        Order("PHY0002", "Kinesport Dudelange", "LU270020009876543210", "BGLLLULL", 0.01m),
        Order("HOS0001", "Centre Hospitalier Sandbox", "LU270030001112223334", "CELLLULL", 98765.43m),
    ];

    public static PaymentRunFile Run(IReadOnlyList<PaymentOrder>? orders = null) =>
        new(RunId, RunNumber, ExecutionDate, CreatedAt, PaymentDebtor.From(ReferenceData.Catalog, ExecutionDate), orders ?? Orders());

    public static readonly Guid MemoirA = Guid.Parse("0b9e3c55-1111-4c1e-8a5b-3f0e6c4f2a01");
    public static readonly Guid MemoirB = Guid.Parse("0b9e3c55-2222-4c1e-8a5b-3f0e6c4f2a02");

    public static IReadOnlyList<ReturnFileLine> Lines(string language) =>
    [
        new(MemoirA, "MEM-2026-118", 2, "K26-0001000-3", "1983081246785", new DateOnly(2026, 11, 12), "ZK11",
            40.00m, 25.76m, 25.76m, 25.76m, LineOutcome.Reduced,
            ReturnFileReason.Render(ReferenceData, [
                Reason.Reduction("AMOUNT_ABOVE_TARIFF", "BIL-10", "amountClaimed", "36.80"),
                Reason.Information("INSURED_SHARE", "BIL-11", detail: "11.04"),
            ], language)) { CompetentFund = "CNS" },
        new(MemoirA, "MEM-2026-118", 3, "K26-0001000-3", "1983081246785", new DateOnly(2026, 11, 13), "ZKX9",
            20.00m, 0m, 0m, 0m, LineOutcome.Refused,
            ReturnFileReason.Render(ReferenceData, [Reason.Refusal("NOT_COVERED", "BIL-05", "actCode", "ZKX9")], language)) { CompetentFund = "CMFEP" },
        new(MemoirB, "MEM-2026-121", 1, "K26-0001007-2", "2012051469331", new DateOnly(2026, 11, 16), "ZK21",
            48.20m, 0m, 0m, 0m, LineOutcome.Refused,
            ReturnFileReason.Render(ReferenceData, [Reason.Refusal("SESSIONS_EXHAUSTED", "BIL-06", detail: "8/8")], language)),
    ];

    public static ReturnFile ReturnFile(string language = "en", IReadOnlyList<ReturnFileLine>? lines = null) =>
        new(RunId, RunNumber, ExecutionDate, CreatedAt, new ReturnFileProvider("PHY0001", "Kiné Bascharage"), language,
            $"{RunNumber}-PHY0001", lines ?? Lines(language), Accepted);

    /// <summary>41 lines accepted at adjudication, every one paid.</summary>
    public static readonly AcceptedLinesSummary Accepted = new(41, 41, 1508.80m, 1055.60m, 1055.60m, 1055.60m);
}
