using System.Globalization;
using System.Text.RegularExpressions;

namespace CnsExchange.Application.Features.Billing;

/// <summary>
/// One line of a fee memoir: a session given under a voucher (physiotherapy, cure, rehabilitation day), or a doctor's
/// fee for care in a hospital stay — then <c>hospitalStayId</c> instead of <c>voucherNumber</c>.
/// </summary>
/// <param name="VoucherNumber">The voucher the session is given under; absent for a doctor's fee in a hospital stay.</param>
/// <param name="SessionDate">Date of the session, rehabilitation day or doctor's act.</param>
/// <param name="Travel">The travel allowance (ZKD1) is claimed with the session (home visit).</param>
/// <param name="ClaimedAmount">Amount claimed for the session (and travel allowance), EUR with at most 2 decimals. For a doctor's fee, the
/// amount invoiced for the act, single-room surcharge included.</param>
/// <param name="HospitalStayId">Doctor's fee for hospital care (RULES.md §7): the stay (id answered by POST /hospital-stays) the act belongs to.</param>
/// <param name="SingleRoomSurcharge">Doctor's fee in a hospital stay: the part of claimedAmount that is the 66 % single-room surcharge (never paid by CNS).</param>
public sealed record FeeMemoirLineRequest(string? VoucherNumber, string? Matricule, DateOnly? SessionDate, string? ActCode, bool? Travel, decimal? ClaimedAmount,
    Guid? HospitalStayId = null, decimal? SingleRoomSurcharge = null)
{
    public FeeMemoirLineInput ToInput() =>
        new(VoucherNumber, Matricule!, SessionDate!.Value, ActCode!, Travel ?? false, ClaimedAmount!.Value)
        {
            HospitalStayId = HospitalStayId,
            SingleRoomSurcharge = SingleRoomSurcharge ?? 0m,
        };

    public static FeeMemoirLineRequest From(FeeMemoirLineInput l) => new(l.VoucherNumber, l.Matricule, l.SessionDate, l.ActCode, l.Travel, l.ClaimedAmount,
        l.HospitalStayId, l.HospitalStayId is null ? null : l.SingleRoomSurcharge);
}

/// <summary>
/// A fee memoir (mémoire d'honoraires). Either <c>memoirReference</c> + <c>lines</c>, or only <c>simulationId</c> to
/// confirm an earlier simulation (its reference and lines are adjudicated again).
/// </summary>
public sealed record FeeMemoirRequest(string? MemoirReference, List<FeeMemoirLineRequest>? Lines, Guid? SimulationId) : IHasDatedOpenApiExample
{
    /// <summary>LIF-03: the id of your memoir this one replaces; it is voided in the same transaction (both or neither).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public Guid? Replaces { get; init; }

    public static object ExampleOn(DateOnly today) => new FeeMemoirRequest("2026-INV-0001",
        [new FeeMemoirLineRequest(VoucherNumber.Format(VoucherKind.Physiotherapy, today.Year, 1000), "1983081246785", today.AddDays(-1), "ZK11", false, 36.80m)],
        null);
}

/// <summary>Input rules shared by JSON memoirs and billing files, so that both refuse the same input the same way (BIL-14).</summary>
public static partial class FeeMemoirInputRules
{
    /// <summary>Input limit (not a business rule): lines of one memoir.</summary>
    public const int MaxLinesPerMemoir = 500;
    public const decimal MaxAmount = 99999.99m;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex("^[A-Z0-9]{2,10}$")]
    private static partial Regex ActPattern();

    public static string? ReferenceError(string? reference) =>
        string.IsNullOrEmpty(reference) ? "memoirReference is required."
        : ReferencePattern().IsMatch(reference) ? null
        : "memoirReference: 1 to 40 characters, letters, digits and . _ / - (starting with a letter or digit).";

    public static string? VoucherNumberError(string? number) =>
        string.IsNullOrEmpty(number) ? "voucherNumber is required."
        : VoucherNumber.HasShape(number) ? null
        : "voucherNumber must look like K26-0001000-3 (kind letter, year, sequence, check digit).";

    public static string? MatriculeError(string? matricule) =>
        string.IsNullOrEmpty(matricule) ? "matricule is required."
        : Matricule.IsValid(matricule) ? null
        : "matricule must have 13 digits with valid Luhn and Verhoeff check digits.";

    public static string? ActCodeError(string? act) =>
        string.IsNullOrEmpty(act) ? "actCode is required."
        : ActPattern().IsMatch(act) ? null
        : "actCode: 2 to 10 capital letters or digits, e.g. ZK11.";

    public static string? AmountError(decimal? amount) =>
        amount is null ? "claimedAmount is required."
        : amount <= 0 || amount > MaxAmount || decimal.Round(amount.Value, 2) != amount.Value
            ? $"claimedAmount must be greater than 0, at most {MaxAmount.ToString(CultureInfo.InvariantCulture)}, with at most 2 decimals."
            : null;

    public static string? SurchargeError(decimal? surcharge, decimal? claimed) =>
        surcharge is null ? null
        : surcharge < 0 || decimal.Round(surcharge.Value, 2) != surcharge.Value
            ? "singleRoomSurcharge must be 0 or more, with at most 2 decimals."
        : claimed is { } total && surcharge >= total
            ? "singleRoomSurcharge is the part of claimedAmount that is the surcharge: it must be less than claimedAmount."
        : null;

    /// <summary>Parses and checks a billing file line; errors name the field and the file line.</summary>
    public static (StagedLine? Line, List<BillingFileError> Errors) Parse(RawBillingLine raw)
    {
        var errors = new List<BillingFileError>();
        void Check(string field, string? error)
        {
            if (error is not null) errors.Add(new BillingFileError(raw.SourceLine, field, error));
        }

        Check("memoirReference", ReferenceError(raw.MemoirReference));
        Check("voucherNumber", VoucherNumberError(raw.VoucherNumber));
        Check("matricule", MatriculeError(raw.Matricule));
        Check("actCode", ActCodeError(raw.ActCode));
        var dateOk = DateOnly.TryParseExact(raw.SessionDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date);
        if (!dateOk) Check("sessionDate", "sessionDate must be a date written yyyy-MM-dd.");
        // The lexical forms of the XSD's xs:boolean (true, false, 1, 0) and xs:decimal (a sign may lead): a file the
        // published schema accepts is not refused here for how it wrote a value.
        bool travel = false;
        var travelText = raw.Travel?.Trim() ?? "";
        if (travelText is "1" or "0") travel = travelText == "1";
        else if (travelText.Length > 0 && !bool.TryParse(travelText, out travel)) Check("travel", "travel must be true or false.");
        var amountOk = decimal.TryParse(raw.ClaimedAmount, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var amount);
        Check("claimedAmount", amountOk ? AmountError(amount) : "claimedAmount must be a number with a decimal point, e.g. 36.80.");
        Guid? replaces = null;
        var replacesText = raw.Replaces?.Trim() ?? "";
        if (replacesText.Length > 0)
        {
            if (Guid.TryParseExact(replacesText, "D", out var replacedId)) replaces = replacedId;
            else Check("replaces", "replaces must be the id of the memoir replaced, e.g. 0192f6a4-8c3e-7a10-9b1c-2d3e4f5a6b7c.");
        }

        if (errors.Count > 0) return (null, errors);
        return (new StagedLine(raw.SourceLine, raw.MemoirOrdinal, raw.MemoirReference,
            new FeeMemoirLineInput(raw.VoucherNumber, raw.Matricule, date, raw.ActCode, travel, amount)) { Replaces = replaces, MemoirElementLine = raw.MemoirLine }, errors);
    }

    /// <summary>Every input error of a JSON memoir, by field (e.g. <c>lines[2].matricule</c>).</summary>
    public static IEnumerable<(string Field, string Message)> Errors(FeeMemoirRequest? memoir, bool linesRequired = true)
    {
        if (memoir is null)
        {
            yield return ("body", "A fee memoir is required.");
            yield break;
        }
        if (!linesRequired && memoir.MemoirReference is null && memoir.Lines is null) yield break;
        if (ReferenceError(memoir.MemoirReference) is { } refError) yield return ("memoirReference", refError);
        if (memoir.Lines is not { Count: > 0 and <= MaxLinesPerMemoir })
        {
            yield return ("lines", $"lines: 1 to {MaxLinesPerMemoir} lines.");
            yield break;
        }
        for (var i = 0; i < memoir.Lines.Count; i++)
        {
            var l = memoir.Lines[i];
            var prefix = $"lines[{i}].";
            if (l is null)
            {
                yield return ($"lines[{i}]", "A line must not be null.");
                continue;
            }
            if (l.HospitalStayId is null)
            {
                if (VoucherNumberError(l.VoucherNumber) is { } v) yield return (prefix + "voucherNumber", v);
                if (l.SingleRoomSurcharge is not null)
                    yield return (prefix + "singleRoomSurcharge", "singleRoomSurcharge applies to a doctor's fee in a hospital stay (with hospitalStayId).");
            }
            else
            {
                if (l.VoucherNumber is not null)
                    yield return (prefix + "voucherNumber", "Send either voucherNumber (a session under a voucher) or hospitalStayId (a doctor's fee in a hospital stay), not both.");
                if (l.Travel == true) yield return (prefix + "travel", "The travel allowance applies to sessions under a voucher.");
                if (SurchargeError(l.SingleRoomSurcharge, l.ClaimedAmount) is { } sr) yield return (prefix + "singleRoomSurcharge", sr);
            }
            if (MatriculeError(l.Matricule) is { } m) yield return (prefix + "matricule", m);
            if (l.SessionDate is null) yield return (prefix + "sessionDate", "sessionDate is required.");
            if (ActCodeError(l.ActCode) is { } a) yield return (prefix + "actCode", a);
            if (AmountError(l.ClaimedAmount) is { } c) yield return (prefix + "claimedAmount", c);
        }
    }

    public static IRuleBuilderOptionsConditions<T, FeeMemoirRequest?> ValidMemoir<T>(this IRuleBuilder<T, FeeMemoirRequest?> rule, bool linesRequired = true) =>
        rule.Custom((memoir, context) =>
        {
            foreach (var (field, message) in Errors(memoir, linesRequired)) context.AddFailure(field, message);
        });
}
