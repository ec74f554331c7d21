using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CnsExchange.Application.Behaviors;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Reimbursement;
using FluentValidation;
using Mediator;

namespace CnsExchange.Application.Features.Reimbursement;

/// <summary>The receipted invoice as the insured copies it: its number, date and who issued it (provider code, lodging, doctor).</summary>
public sealed record ClaimInvoiceInput(string? Number, DateOnly? Date, string? Issuer);

/// <summary>A physiotherapy session the insured paid (INS-03): date, act and the amount paid.</summary>
public sealed record ClaimSessionInput(DateOnly? Date, string? ActCode, decimal? AmountPaid);

/// <summary>
/// The <c>request</c> part of a reimbursement claim (RULES.md §8). <c>physiotherapy</c>: <c>voucherNumber</c>,
/// <c>providerCode</c> (the physiotherapist), <c>sessions</c>. Always: <c>kind</c>, <c>matricule</c>, <c>invoice</c>
/// (number, date, issuer — for physiotherapy the provider code when left out); <c>statementLanguage</c> fr, de or en
/// (default fr).
/// </summary>
public sealed record ReimbursementClaimInput(
    ClaimKind? Kind,
    string? Matricule,
    string? VoucherNumber,
    string? ProviderCode,
    ClaimInvoiceInput? Invoice,
    List<ClaimSessionInput>? Sessions,
    string? StatementLanguage) : IHasDatedOpenApiExample
{
    public const int MaxSessions = 100;

    /// <summary>
    /// Three sessions paid to PHY0001 under a voucher: answered at once with each session's outcome (sent as is, the voucher
    /// number is unknown in the sandbox and the sessions are refused VOUCHER_UNKNOWN; use the number of a voucher the insured
    /// channel obtained). Sent twice with the same invoice, it is DUPLICATE_CLAIM.
    /// </summary>
    public static object ExampleOn(DateOnly today) => new ReimbursementClaimInput(ClaimKind.Physiotherapy, "1983081246785", Domain.Vouchers.VoucherNumber.Format(Domain.Vouchers.VoucherKind.Physiotherapy, today.Year, 999999), "PHY0001",
        new ClaimInvoiceInput("F-" + today.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "-001", today.AddDays(-1), "PHY0001"),
        [new(today.AddDays(-10), "ZK11", 36.80m), new(today.AddDays(-7), "ZK11", 36.80m), new(today.AddDays(-3), "ZK11", 40.00m)], "fr");

    public string Language => string.IsNullOrWhiteSpace(StatementLanguage) ? "fr" : StatementLanguage.Trim().ToLowerInvariant();

    public string? Issuer => string.IsNullOrWhiteSpace(Invoice?.Issuer) ? Blank(ProviderCode)?.Trim().ToUpperInvariant() : Invoice.Issuer.Trim();

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>Submit a reimbursement claim for an insured (insured channel): multipart <c>request</c> + <c>invoice</c> (the receipted invoice).</summary>
public sealed record SubmitReimbursementClaim(Guid ChannelKeyId, ReimbursementClaimInput? Request, string RequestJson, byte[]? Invoice, string? InvoiceFileName,
    string? IdempotencyKey) : ICommand<ReimbursementClaimDto>, IIdempotentCommand
{
    private string? _fingerprint;

    public string IdempotencyScope => $"{ChannelKeyId:N}:reimbursement-claims";

    /// <summary>SHA-256 over the request as read and the invoice bytes.</summary>
    public string RequestFingerprint => _fingerprint ??= Compute();

    private string Compute()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(Request is null ? RequestJson : JsonSerializer.Serialize(Request, JsonDefaults.Options)));
        sha.AppendData([0]);
        sha.AppendData(Invoice ?? []);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}

public sealed class SubmitReimbursementClaimValidator : AbstractValidator<SubmitReimbursementClaim>
{
    private static readonly DateOnly MinDate = new(1900, 1, 1);
    public const decimal MaxAmount = 99999.99m;

    public SubmitReimbursementClaimValidator(TimeProvider clock)
    {
        var today = LuxembourgCalendar.LocalDate(clock.GetUtcNow());
        RuleFor(x => x.Request).NotNull().OverridePropertyName("request").WithMessage("The 'request' part (JSON) is required.");
        RuleFor(x => x.InvoiceFileName).MaximumLength(200).OverridePropertyName("invoice").WithMessage("The invoice file name must have at most 200 characters.");
        When(x => x.Request is not null, () =>
        {
            RuleFor(x => x.Request!.Kind).NotNull().OverridePropertyName("request.kind")
                .WithMessage("request.kind is required: physiotherapy, cure_stay, s2_stay, accompanying_person or doctor_fees.");
            RuleFor(x => x.Request!.Kind).Must(k => k is null or ClaimKind.Physiotherapy).OverridePropertyName("request.kind")
                .WithMessage("This sandbox adjudicates physiotherapy claims; the other kinds follow.");
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
                RuleFor(x => x.Request!.Invoice!.Date).Cascade(CascadeMode.Stop).NotNull().WithMessage("request.invoice.date is required.")
                    .InclusiveBetween(MinDate, today).WithMessage($"request.invoice.date may not be in the future (today is {today:yyyy-MM-dd}).")
                    .OverridePropertyName("request.invoice.date");
                RuleFor(x => x.Request!.Invoice!.Issuer).MaximumLength(200).OverridePropertyName("request.invoice.issuer");
            });
            RuleFor(x => x.Request!.Issuer).NotEmpty().When(x => x.Request!.Invoice is not null).OverridePropertyName("request.invoice.issuer")
                .WithMessage("request.invoice.issuer is required: who issued the invoice.");
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
                RuleForEach(x => x.Request!.Sessions).ChildRules(s =>
                {
                    s.RuleFor(x => x!.Date).Cascade(CascadeMode.Stop).NotNull().WithMessage("date is required.")
                        .InclusiveBetween(MinDate, today).WithMessage($"date may not be in the future (today is {today:yyyy-MM-dd}).").OverridePropertyName("date");
                    s.RuleFor(x => x!.ActCode).Cascade(CascadeMode.Stop).NotEmpty().WithMessage("actCode is required.")
                        .Must(a => Billing.FeeMemoirInputRules.ActCodeError(a) is null).WithMessage(x => Billing.FeeMemoirInputRules.ActCodeError(x!.ActCode)!)
                        .OverridePropertyName("actCode");
                    s.RuleFor(x => x!.AmountPaid).Cascade(CascadeMode.Stop).NotNull().WithMessage("amountPaid is required.")
                        .Must(a => AmountError(a) is null).WithMessage("amountPaid must be greater than 0, at most 99999.99, with at most 2 decimals.")
                        .OverridePropertyName("amountPaid");
                }).OverridePropertyName("request.sessions");
            });
        });
    }

    public static string? AmountError(decimal? amount) =>
        amount is not { } a || a <= 0 || a > MaxAmount || decimal.Round(a, 2) != a ? "amount must be greater than 0, at most 99999.99, with at most 2 decimals." : null;
}
