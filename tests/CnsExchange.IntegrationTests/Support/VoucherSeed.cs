using CnsExchange.Application.Common;
using CnsExchange.Domain.Vouchers;
using CnsExchange.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.IntegrationTests.Support;

/// <summary>
/// Creates vouchers straight in the database, as a validation decision would (until the validation feature is
/// merged, billing tests need vouchers of their own).
/// </summary>
public static class VoucherSeed
{
    public sealed record Options
    {
        public string ProviderCode { get; init; } = "PHY0001";
        public string Matricule { get; init; } = "1983081246785";
        public DateOnly PrescriptionDate { get; init; } = new(2026, 11, 2);
        public DateOnly IssuedOn { get; init; } = new(2026, 11, 3);
        public DateOnly? TreatmentStartBy { get; init; }
        public DateOnly? ValidUntil { get; init; }
        public string Category { get; init; } = "common";
        public string ActCode { get; init; } = "ZK11";
        public int Sessions { get; init; } = 8;
        public decimal RatePercent { get; init; } = 70m;
        public bool Travel { get; init; }
        public bool ThirdPartyPayment { get; init; } = true;
        public (string Act, int Sessions)[] MoreServices { get; init; } = [];
    }

    public static Task<string> CreateAsync(ApiFactory api, Options? options = null, Guid? sandboxId = null) => api.WithScopeAsync(sandboxId ?? SandboxIds.Default, async sp =>
    {
        var o = options ?? new Options();
        var db = sp.GetRequiredService<AppDbContext>();
        var reference = sp.GetRequiredService<IReferenceData>().Catalog;
        var provider = await db.Providers.SingleAsync(p => p.Code == o.ProviderCode);
        var insured = await db.Insured.IgnoreAutoIncludes().SingleAsync(i => i.Matricule == o.Matricule);
        var sequence = await db.NextSequenceValueAsync(Sequences.VoucherNumber, CancellationToken.None);
        var number = VoucherNumber.Format(VoucherKind.Physiotherapy, o.IssuedOn.Year, sequence);
        var voucher = new Voucher
        {
            Id = Guid.CreateVersion7(),
            Number = number,
            Kind = VoucherKind.Physiotherapy,
            ProviderId = provider.Id,
            InsuredId = insured.Id,
            Matricule = o.Matricule,
            Category = o.Category,
            PrescriptionDate = o.PrescriptionDate,
            IssuedOn = o.IssuedOn,
            TreatmentStartBy = o.TreatmentStartBy ?? o.IssuedOn.AddDays(30),
            ValidUntil = o.ValidUntil ?? o.IssuedOn.AddMonths(3),
            ThirdPartyPayment = o.ThirdPartyPayment,
            CreatedAt = sp.GetRequiredService<TimeProvider>().GetUtcNow(), // the sandbox clock, as the API stamps its own vouchers
        };
        voucher.Services.Add(Service(voucher.Id, o.ActCode, o.Sessions, o.RatePercent, o.Travel, reference.TariffOn(o.ActCode, o.IssuedOn) ?? 0m));
        foreach (var (act, sessions) in o.MoreServices)
            voucher.Services.Add(Service(voucher.Id, act, sessions, o.RatePercent, o.Travel, reference.TariffOn(act, o.IssuedOn) ?? 0m));
        db.Vouchers.Add(voucher);
        await db.SaveChangesAsync();
        return number;
    });

    private static VoucherService Service(Guid voucherId, string act, int sessions, decimal rate, bool travel, decimal tariff) => new()
    {
        Id = Guid.CreateVersion7(), VoucherId = voucherId, ActCode = act, SessionsGranted = sessions, RatePercent = rate,
        TravelAllowanceGranted = travel, TariffOnIssue = tariff,
    };

    public static Task<int> SessionsBilledAsync(ApiFactory api, string voucherNumber) => api.WithScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var voucher = await db.Vouchers.AsNoTracking().SingleAsync(v => v.Number == voucherNumber);
        return voucher.Services.Sum(s => s.SessionsBilled);
    });
}
