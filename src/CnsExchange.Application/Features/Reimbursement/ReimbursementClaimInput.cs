using System.Globalization;
using System.Text.Json.Serialization;
using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Reimbursement;

/// <summary>
/// The receipted invoice as the insured copies it: its number, date and who issued it (provider code, lodging, lessor,
/// doctor); <c>issuedTo</c>, the name it is made out to, for stay costs (INS-06/07).
/// </summary>
public sealed record ClaimInvoiceInput(string? Number, DateOnly? Date, string? Issuer, string? IssuedTo = null);

/// <summary>A physiotherapy session the insured paid (INS-03): date, act and the amount paid.</summary>
public sealed record ClaimSessionInput(DateOnly? Date, string? ActCode, decimal? AmountPaid) : IPaidItem;

/// <summary>What the insured paid for one act (a physiotherapy session, a doctor's fee): its date, the act and the amount.</summary>
public interface IPaidItem
{
    DateOnly? Date { get; }
    string? ActCode { get; }
    decimal? AmountPaid { get; }
}

/// <summary>
/// The stay on a lodging invoice (INS-06/07): first and last night (a night is named by the date it starts), the number of
/// nights and the amount paid for them. For a resident of Mondorf (cure_stay) they are the days of cure the receipted
/// invoices cover. A missing night item is the refusal STAY_INVOICE_INCOMPLETE.
/// </summary>
public sealed record ClaimStayInput(DateOnly? FirstNight, DateOnly? LastNight, int? Nights, decimal? AmountPaid);

/// <summary>Where the curist slept (INS-06): <c>kind</c> establishment, tent, caravan or room_at_private_person; <c>establishmentCode</c> from reference data when known.</summary>
public sealed record ClaimLodgingInput(LodgingKind? Kind, string? EstablishmentCode);

/// <summary>The person accompanying a curist under 18 (INS-07): the name the invoice is made out to, and the insured's express request.</summary>
public sealed record ClaimAccompanyingInput(string? Name, bool? ExpressRequest);

/// <summary>A doctor's fee the insured paid for hospital care (INS-08): date, act, amount paid (single-room surcharge included) and that surcharge.</summary>
public sealed record ClaimFeeInput(DateOnly? Date, string? ActCode, decimal? AmountPaid, decimal? SingleRoomSurcharge = null) : IPaidItem;

/// <summary>
/// The <c>request</c> part of a reimbursement claim (RULES.md §8). Always: <c>kind</c>, <c>matricule</c>, <c>invoice</c>
/// (number, date, issuer — for physiotherapy and doctors' fees the provider code when left out); <c>statementLanguage</c>
/// fr, de or en (default fr). <c>physiotherapy</c> (INS-03): <c>voucherNumber</c>, <c>providerCode</c> (the
/// physiotherapist), <c>sessions</c>. <c>cure_stay</c> (INS-06): <c>voucherNumber</c> of the cure, <c>stay</c>,
/// <c>lodging</c>, <c>invoice.issuedTo</c>. <c>s2_stay</c> (INS-07): <c>voucherNumber</c> of the S2 cure, <c>stay</c>,
/// optional <c>travelCosts</c>. <c>accompanying_person</c> (INS-07): as s2_stay, with <c>accompanyingPerson</c>; the
/// matricule is the curist's. <c>doctor_fees</c> (INS-08): <c>providerCode</c> (the doctor), <c>hospitalStayId</c>,
/// <c>fees</c>.
/// </summary>
public sealed record ReimbursementClaimInput(
    ClaimKind? Kind,
    string? Matricule,
    string? VoucherNumber,
    string? ProviderCode,
    ClaimInvoiceInput? Invoice,
    List<ClaimSessionInput>? Sessions,
    string? StatementLanguage,
    ClaimStayInput? Stay = null,
    ClaimLodgingInput? Lodging = null,
    decimal? TravelCosts = null,
    ClaimAccompanyingInput? AccompanyingPerson = null,
    Guid? HospitalStayId = null,
    List<ClaimFeeInput>? Fees = null) : IHasDatedOpenApiExample, IHasNamedOpenApiExamples
{
    public const int MaxSessions = 100;
    /// <summary>A stay invoice covers at most this many nights.</summary>
    public const int MaxNights = 366;

    /// <summary>
    /// Three sessions paid to PHY0001 under a voucher: answered at once with each session's outcome (sent as is, the voucher
    /// number is unknown in the sandbox and the sessions are refused VOUCHER_UNKNOWN; use the number of a voucher the insured
    /// channel obtained). Sent twice with the same invoice, it is DUPLICATE_CLAIM.
    /// </summary>
    public static object ExampleOn(DateOnly today) => new ReimbursementClaimInput(ClaimKind.Physiotherapy, "1983081246785", Domain.Vouchers.VoucherNumber.Format(Domain.Vouchers.VoucherKind.Physiotherapy, today.Year, 999999), "PHY0001",
        new ClaimInvoiceInput("F-" + Stamp(today) + "-001", today.AddDays(-1), "PHY0001"),
        [new(today.AddDays(-10), "ZK11", 36.80m), new(today.AddDays(-7), "ZK11", 36.80m), new(today.AddDays(-3), "ZK11", 40.00m)], "fr");

    /// <summary>
    /// One example per kind, each answered as is (201) with any invoice file: the vouchers and the hospital stay named are
    /// unknown in the sandbox, so the claims are refused VOUCHER_UNKNOWN / HOSPITAL_STAY_UNKNOWN until an integrator puts
    /// the number of a cure voucher or the id of a hospital stay of the insured.
    /// </summary>
    public static IReadOnlyDictionary<string, object> ExamplesOn(DateOnly today)
    {
        var cure = Domain.Vouchers.VoucherNumber.Format(Domain.Vouchers.VoucherKind.Cure, today.Year, 999999);
        var first = today.AddDays(-14);
        return new Dictionary<string, object>
        {
            ["physiotherapy"] = ExampleOn(today),
            ["cure_stay"] = new ReimbursementClaimInput(ClaimKind.CureStay, "1983081246785", cure, null,
                new ClaimInvoiceInput("H-" + Stamp(today) + "-011", today.AddDays(-1), "Hôtel du Parc Thermal", "Marie Schmit"), null, "fr",
                Stay: new ClaimStayInput(first, today.AddDays(-2), 13, 13 * 95.00m), Lodging: new ClaimLodgingInput(LodgingKind.Establishment, "MDF-H01")),
            ["s2_stay"] = new ReimbursementClaimInput(ClaimKind.S2Stay, "1983081246785", cure, null,
                new ClaimInvoiceInput("A-" + Stamp(today) + "-012", today.AddDays(-1), "Kurhaus Bad Füssing", "Marie Schmit"), null, "de",
                Stay: new ClaimStayInput(first, today.AddDays(-2), 13, 13 * 70.00m), TravelCosts: 120.00m),
            ["accompanying_person"] = new ReimbursementClaimInput(ClaimKind.AccompanyingPerson, "2012051469331", cure, null,
                new ClaimInvoiceInput("A-" + Stamp(today) + "-013", today.AddDays(-1), "Kurhaus Bad Füssing", "Anne Weber"), null, "fr",
                Stay: new ClaimStayInput(first, today.AddDays(-2), 13, 13 * 55.00m), AccompanyingPerson: new ClaimAccompanyingInput("Anne Weber", true)),
            ["doctor_fees"] = new ReimbursementClaimInput(ClaimKind.DoctorFees, "1983081246785", null, "DOC0001",
                new ClaimInvoiceInput("D-" + Stamp(today) + "-014", today.AddDays(-1), "DOC0001"), null, "en",
                HospitalStayId: Guid.Parse("0193a000-0000-7000-8000-000000000001"), Fees: [new(today.AddDays(-3), "DV01", 42.00m)]),
        };
    }

    private static string Stamp(DateOnly today) => today.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    [JsonIgnore]
    public string Language => string.IsNullOrWhiteSpace(StatementLanguage) ? "fr" : StatementLanguage.Trim().ToLowerInvariant();

    [JsonIgnore]
    public string? Issuer => string.IsNullOrWhiteSpace(Invoice?.Issuer) ? Blank(ProviderCode)?.Trim().ToUpperInvariant() : Invoice.Issuer.Trim();

    /// <summary>The kinds that pay nights of a stay (INS-06, INS-07).</summary>
    [JsonIgnore]
    public bool IsStay => Kind is ClaimKind.CureStay or ClaimKind.S2Stay or ClaimKind.AccompanyingPerson;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>Submit a reimbursement claim for an insured (insured channel): multipart <c>request</c> + <c>invoice</c> (the receipted invoice).</summary>
public sealed record SubmitReimbursementClaim(Guid ChannelKeyId, ReimbursementClaimInput? Request, string RequestJson, byte[]? Invoice, string? InvoiceFileName,
    string? IdempotencyKey) : ICommand<ReimbursementClaimDto>, IIdempotentCommand
{
    private string? _fingerprint;

    public string IdempotencyScope => $"{ChannelKeyId:N}:reimbursement-claims";

    /// <summary>SHA-256 over the request as read and the invoice bytes.</summary>
    public string RequestFingerprint => _fingerprint ??= Fingerprint.OfSubmission(Request, RequestJson, Invoice);
}

public sealed class SubmitReimbursementClaimValidator : AbstractValidator<SubmitReimbursementClaim>
{
    private static readonly DateOnly MinDate = new(1900, 1, 1);
    public const decimal MaxAmount = 99999.99m;

    private readonly TimeProvider _clock;

    /// <summary>The sandbox's today when a claim is validated (validators are singletons: never read the clock once at construction).</summary>
    private DateOnly Today => LuxembourgCalendar.LocalDate(_clock.GetUtcNow());

    public SubmitReimbursementClaimValidator(TimeProvider clock)
    {
        _clock = clock;
        RuleFor(x => x.Request).NotNull().OverridePropertyName("request").WithMessage("The 'request' part (JSON) is required.");
        RuleFor(x => x.InvoiceFileName).MaximumLength(200).OverridePropertyName("invoice").WithMessage("The invoice file name must have at most 200 characters.");
        When(x => x.Request is not null, () =>
        {
            RuleFor(x => x.Request!.Kind).NotNull().OverridePropertyName("request.kind")
                .WithMessage("request.kind is required: physiotherapy, cure_stay, s2_stay, accompanying_person or doctor_fees.");
            RuleFor(x => x.Request!.Matricule).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("request.matricule is required.")
                .Must(Matricule.IsValid).WithMessage("request.matricule must have 13 digits with valid Luhn and Verhoeff check digits.")
                .OverridePropertyName("request.matricule");
            RuleFor(x => x.Request!.StatementLanguage).Must(l => l is null || l.Trim().ToLowerInvariant() is "fr" or "de" or "en")
                .OverridePropertyName("request.statementLanguage").WithMessage("request.statementLanguage is fr, de or en.");
            RuleFor(x => x.Request!.Invoice).NotNull().OverridePropertyName("request.invoice")
                .WithMessage("request.invoice is required: the number, date and issuer of the receipted invoice.");
            When(x => x.Request!.Invoice is not null, () =>
            {
                RuleFor(x => x.Request!.Invoice!.Number).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.invoice.number is required.")
                    .MaximumLength(40).WithMessage("request.invoice.number has at most 40 characters.").OverridePropertyName("request.invoice.number");
                // A lodging invoice without a date is the refusal STAY_INVOICE_INCOMPLETE (INS-06/07), not bad input.
                RuleFor(x => x.Request!.Invoice!.Date).NotNull().When(x => !x.Request!.IsStay).OverridePropertyName("request.invoice.date")
                    .WithMessage("request.invoice.date is required.");
                RuleFor(x => x.Request!.Invoice!.Date).Must(d => d >= MinDate && d <= Today).When(x => x.Request!.Invoice!.Date is not null)
                    .OverridePropertyName("request.invoice.date").WithMessage(_ => $"request.invoice.date may not be in the future (today is {Today:yyyy-MM-dd}).");
                RuleFor(x => x.Request!.Invoice!.Issuer).MaximumLength(200).OverridePropertyName("request.invoice.issuer");
                RuleFor(x => x.Request!.Invoice!.IssuedTo).MaximumLength(200).OverridePropertyName("request.invoice.issuedTo");
            });
            RuleFor(x => x.Request!.Issuer).NotEmpty().When(x => x.Request!.Invoice is not null).OverridePropertyName("request.invoice.issuer")
                .WithMessage("request.invoice.issuer is required: who issued the invoice.");
            RuleFor(x => x.Request!.Sessions).Null().When(x => x.Request!.Kind is not null and not ClaimKind.Physiotherapy)
                .OverridePropertyName("request.sessions").WithMessage("request.sessions goes with physiotherapy claims only.");
            RuleFor(x => x.Request!.Fees).Null().When(x => x.Request!.Kind is not null and not ClaimKind.DoctorFees)
                .OverridePropertyName("request.fees").WithMessage("request.fees goes with doctor_fees claims only.");
            RuleFor(x => x.Request!.Stay).Null().When(x => x.Request!.Kind is not null && !x.Request!.IsStay)
                .OverridePropertyName("request.stay").WithMessage("request.stay goes with cure_stay, s2_stay and accompanying_person claims only.");
            When(x => x.Request!.IsStay, StayRules);
            When(x => x.Request!.Kind == ClaimKind.DoctorFees, DoctorFeeRules);
            When(x => x.Request!.Kind == ClaimKind.Physiotherapy, () =>
            {
                RuleFor(x => x.Request!.VoucherNumber).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.voucherNumber is required for physiotherapy.")
                    .Must(n => Billing.FeeMemoirInputRules.VoucherNumberError(n) is null).WithMessage(x => Billing.FeeMemoirInputRules.VoucherNumberError(x.Request!.VoucherNumber)!)
                    .OverridePropertyName("request.voucherNumber");
                RuleFor(x => x.Request!.ProviderCode).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.providerCode is required for physiotherapy: the physiotherapist's code.")
                    .MaximumLength(20).OverridePropertyName("request.providerCode");
                RuleFor(x => x.Request!.Sessions).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.sessions is required: the sessions paid.")
                    .Must(s => s!.Count <= ReimbursementClaimInput.MaxSessions).WithMessage($"request.sessions has at most {ReimbursementClaimInput.MaxSessions} sessions.")
                    .OverridePropertyName("request.sessions");
                // Child rules pass a null element by: the handler met it (a 500).
                RuleForEach(x => x.Request!.Sessions).NotNull().OverridePropertyName("request.sessions").WithMessage("A session is an object.");
                RuleForEach(x => x.Request!.Sessions).ChildRules(PaidItemRules).OverridePropertyName("request.sessions");
            });
        });
    }

    /// <summary>INS-06/07: the cure's voucher and the stay; private lodging and the accompanying person where the kind needs them.</summary>
    private void StayRules()
    {
        RuleFor(x => x.Request!.VoucherNumber).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.voucherNumber is required: the cure's title of care.")
            .Must(n => Billing.FeeMemoirInputRules.VoucherNumberError(n) is null).WithMessage(x => Billing.FeeMemoirInputRules.VoucherNumberError(x.Request!.VoucherNumber)!)
            .OverridePropertyName("request.voucherNumber");
        RuleFor(x => x.Request!.Stay).NotNull().OverridePropertyName("request.stay")
            .WithMessage("request.stay is required: firstNight, lastNight, nights and amountPaid from the lodging invoice.");
        When(x => x.Request!.Stay is not null, () =>
        {
            RuleFor(x => x.Request!.Stay!.AmountPaid).Cascade(CascadeMode.Stop).NotNull().WithMessage("request.stay.amountPaid is required.")
                .Must(a => AmountError(a) is null).WithMessage("request.stay.amountPaid must be greater than 0, at most 99999.99, with at most 2 decimals.")
                .OverridePropertyName("request.stay.amountPaid");
            RuleFor(x => x.Request!.Stay!.FirstNight).Must(d => d >= MinDate && d <= Today).When(x => x.Request!.Stay!.FirstNight is not null)
                .OverridePropertyName("request.stay.firstNight").WithMessage(_ => $"request.stay.firstNight may not be in the future (today is {Today:yyyy-MM-dd}).");
            RuleFor(x => x.Request!.Stay!.LastNight).Must(d => d >= MinDate && d <= Today).When(x => x.Request!.Stay!.LastNight is not null)
                .OverridePropertyName("request.stay.lastNight").WithMessage(_ => $"request.stay.lastNight may not be in the future (today is {Today:yyyy-MM-dd}).");
            RuleFor(x => x.Request!.Stay!.LastNight).GreaterThanOrEqualTo(x => x.Request!.Stay!.FirstNight)
                .When(x => x.Request!.Stay!.FirstNight is not null && x.Request!.Stay!.LastNight is not null)
                .OverridePropertyName("request.stay.lastNight").WithMessage("request.stay.lastNight may not come before firstNight.");
            RuleFor(x => x.Request!.Stay!.Nights).InclusiveBetween(1, ReimbursementClaimInput.MaxNights).When(x => x.Request!.Stay!.Nights is not null)
                .OverridePropertyName("request.stay.nights").WithMessage($"request.stay.nights is between 1 and {ReimbursementClaimInput.MaxNights}.");
            RuleFor(x => x.Request!.Stay!.Nights).Must((x, n) => n == NightsFrom(x.Request!.Stay!))
                .When(x => x.Request!.Stay! is { Nights: not null, FirstNight: not null, LastNight: not null } s && s.LastNight >= s.FirstNight)
                .OverridePropertyName("request.stay.nights")
                .WithMessage(x => $"request.stay.nights must be the number of nights from firstNight to lastNight ({NightsFrom(x.Request!.Stay!)}).");
            RuleFor(x => x.Request!.Stay!).Must(s => NightsFrom(s) <= ReimbursementClaimInput.MaxNights)
                .When(x => x.Request!.Stay! is { FirstNight: not null, LastNight: not null }).OverridePropertyName("request.stay.lastNight")
                .WithMessage($"A stay claim covers at most {ReimbursementClaimInput.MaxNights} nights.");
        });
        RuleFor(x => x.Request!.Lodging).NotNull().When(x => x.Request!.Kind == ClaimKind.CureStay).OverridePropertyName("request.lodging")
            .WithMessage("request.lodging is required for cure_stay: kind (establishment, tent, caravan, room_at_private_person) and establishmentCode when known.");
        RuleFor(x => x.Request!.Lodging).Null().When(x => x.Request!.Kind != ClaimKind.CureStay).OverridePropertyName("request.lodging")
            .WithMessage("request.lodging goes with cure_stay claims only.");
        When(x => x.Request!.Lodging is not null, () =>
        {
            RuleFor(x => x.Request!.Lodging!.Kind).NotNull().IsInEnum().OverridePropertyName("request.lodging.kind")
                .WithMessage("request.lodging.kind is required: establishment, tent, caravan or room_at_private_person.");
            RuleFor(x => x.Request!.Lodging!.EstablishmentCode).MaximumLength(20).OverridePropertyName("request.lodging.establishmentCode");
        });
        RuleFor(x => x.Request!.TravelCosts).Must(a => AmountError(a) is null).When(x => x.Request!.TravelCosts is not null)
            .OverridePropertyName("request.travelCosts").WithMessage("request.travelCosts must be greater than 0, at most 99999.99, with at most 2 decimals.");
        RuleFor(x => x.Request!.TravelCosts).Null().When(x => x.Request!.Kind == ClaimKind.CureStay).OverridePropertyName("request.travelCosts")
            .WithMessage("request.travelCosts goes with s2_stay and accompanying_person claims.");
        RuleFor(x => x.Request!.AccompanyingPerson).NotNull().When(x => x.Request!.Kind == ClaimKind.AccompanyingPerson)
            .OverridePropertyName("request.accompanyingPerson").WithMessage("request.accompanyingPerson is required: name and expressRequest.");
        RuleFor(x => x.Request!.AccompanyingPerson).Null().When(x => x.Request!.Kind != ClaimKind.AccompanyingPerson)
            .OverridePropertyName("request.accompanyingPerson").WithMessage("request.accompanyingPerson goes with accompanying_person claims only.");
        RuleFor(x => x.Request!.AccompanyingPerson!.Name).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.accompanyingPerson.name is required.")
            .MaximumLength(200).OverridePropertyName("request.accompanyingPerson.name").When(x => x.Request!.AccompanyingPerson is not null);
    }

    /// <summary>INS-08: the doctor, the hospital stay and the fees paid.</summary>
    private void DoctorFeeRules()
    {
        RuleFor(x => x.Request!.ProviderCode).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.providerCode is required for doctor_fees: the doctor's code.")
            .MaximumLength(20).OverridePropertyName("request.providerCode");
        RuleFor(x => x.Request!.HospitalStayId).NotNull().OverridePropertyName("request.hospitalStayId")
            .WithMessage("request.hospitalStayId is required for doctor_fees: the hospital stay the fees are for.");
        RuleFor(x => x.Request!.Fees).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("request.fees is required: the fees paid.")
            .Must(f => f!.Count <= ReimbursementClaimInput.MaxSessions).WithMessage($"request.fees has at most {ReimbursementClaimInput.MaxSessions} fees.")
            .OverridePropertyName("request.fees");
        RuleForEach(x => x.Request!.Fees).NotNull().OverridePropertyName("request.fees").WithMessage("A fee is an object.");
        RuleForEach(x => x.Request!.Fees).ChildRules(f =>
        {
            PaidItemRules(f);
            f.RuleFor(x => x!.SingleRoomSurcharge).Must((fee, s) => s >= 0m && decimal.Round(s!.Value, 2) == s && (fee!.AmountPaid is null || s < fee.AmountPaid))
                .When(x => x!.SingleRoomSurcharge is not null).OverridePropertyName("singleRoomSurcharge")
                .WithMessage("singleRoomSurcharge is at least 0, with at most 2 decimals, and less than amountPaid.");
        }).OverridePropertyName("request.fees");
    }

    private static int NightsFrom(ClaimStayInput stay) => stay.LastNight!.Value.DayNumber - stay.FirstNight!.Value.DayNumber + 1;

    /// <summary>A session or fee paid: its date (not in the future), a known act code, and the amount.</summary>
    private void PaidItemRules<TItem>(InlineValidator<TItem> item) where TItem : IPaidItem?
    {
        item.RuleFor(x => x!.Date).Cascade(CascadeMode.Stop).NotNull().WithMessage("date is required.")
            .Must(d => d >= MinDate && d <= Today).WithMessage(_ => $"date may not be in the future (today is {Today:yyyy-MM-dd}).").OverridePropertyName("date");
        item.RuleFor(x => x!.ActCode).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("actCode is required.")
            .Must(a => Billing.FeeMemoirInputRules.ActCodeError(a) is null).WithMessage(x => Billing.FeeMemoirInputRules.ActCodeError(x!.ActCode)!)
            .OverridePropertyName("actCode");
        item.RuleFor(x => x!.AmountPaid).Cascade(CascadeMode.Stop).NotNull().WithMessage("amountPaid is required.")
            .Must(a => AmountError(a) is null).WithMessage("amountPaid must be greater than 0, at most 99999.99, with at most 2 decimals.")
            .OverridePropertyName("amountPaid");
    }

    public static string? AmountError(decimal? amount) =>
        amount is not { } a || a <= 0 || a > MaxAmount || decimal.Round(a, 2) != a ? "amount must be greater than 0, at most 99999.99, with at most 2 decimals." : null;
}
