using System.Linq.Expressions;

namespace CnsExchange.Application.Common;

/// <summary>A page of a list, newest first; pass <see cref="NextCursor"/> back as <c>cursor</c> for the next page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// The text of every cursor: base64url of its parts joined by ':', opaque to callers. A cursor that does not decode into
/// the parts its list reads is 400 on field <c>cursor</c>.
/// </summary>
public static class OpaqueCursor
{
    public static string Encode(params string[] parts) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(string.Join(':', parts))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary><paramref name="read"/> turns the parts back into the list's key; null for no cursor.</summary>
    public static T? Decode<T>(string? text, Func<string[], T> read) where T : struct
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            var b64 = text.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            return read(System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(b64)).Split(':'));
        }
        catch (Exception e) when (e is FormatException or IndexOutOfRangeException or ArgumentException or OverflowException)
        {
            throw Invalid();
        }
    }

    public static BadInputException Invalid() => new("cursor", "The cursor is not valid.");

    /// <summary>An instant as a cursor part (UTC ticks), and back.</summary>
    public static string Part(DateTimeOffset at) => at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset Instant(string part) => new(long.Parse(part, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero);
}

/// <summary>Keyset cursor over (createdAt desc, id desc), opaque to callers.</summary>
public readonly record struct Cursor(DateTimeOffset CreatedAt, Guid Id)
{
    public string Encode() => OpaqueCursor.Encode(OpaqueCursor.Part(CreatedAt), Id.ToString("N"));

    public static Cursor? Decode(string? text) => OpaqueCursor.Decode(text, parts =>
        parts.Length == 2 ? new Cursor(OpaqueCursor.Instant(parts[0]), Guid.ParseExact(parts[1], "N")) : throw OpaqueCursor.Invalid());

    /// <summary>Rows a page at the most (and the OpenAPI bound of every list's <c>limit</c>).</summary>
    public const int MaxLimit = 200;

    public static int Limit(int? limit)
    {
        var l = limit ?? 50;
        if (l is < 1 or > MaxLimit) throw new BadInputException("limit", $"limit must be between 1 and {MaxLimit}.");
        return l;
    }
}

/// <summary>A page asked for: its size (<see cref="Cursor.Limit"/>) and where it starts (<see cref="Cursor.Decode"/>), checked in that order.</summary>
public readonly record struct PageRequest(int Limit, Cursor? After)
{
    public static PageRequest Of(string? cursor, int? limit) => new(Cursor.Limit(limit), Cursor.Decode(cursor));
}

/// <summary>
/// The keyset rule of every list, in one place: newest first by (time, id), the page after the cursor, one row more than
/// the limit read to know whether a next page exists, the next cursor taken from the last row of the page. The time is
/// the sandbox's; the ids of listed rows are version-7 UUIDs of real time (<c>Guid.CreateVersion7()</c>, never of the
/// sandbox clock): under a frozen clock every row has the same time, and the id then orders them by creation, newest
/// first, so that a row created after a page was read is never served on a later page.
/// </summary>
public static class Keyset
{
    public static async Task<(List<T> Rows, string? NextCursor)> NewestFirstAsync<T>(this IQueryable<T> source, PageRequest page,
        Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, Guid>> id, CancellationToken ct)
    {
        var rows = await Window(source, page, at, id).ToListAsync(ct);
        return Cut(rows, page.Limit, last => new Cursor(at.Compile()(last), id.Compile()(last)));
    }

    /// <summary>The same, each row projected by the database (<paramref name="select"/>); <paramref name="keyOf"/> reads the time and id back from a row.</summary>
    public static async Task<(List<TRow> Rows, string? NextCursor)> NewestFirstAsync<T, TRow>(this IQueryable<T> source, PageRequest page,
        Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, Guid>> id, Expression<Func<T, TRow>> select, Func<TRow, Cursor> keyOf, CancellationToken ct)
    {
        var rows = await Window(source, page, at, id).Select(select).ToListAsync(ct);
        return Cut(rows, page.Limit, keyOf);
    }

    private static IQueryable<T> Window<T>(IQueryable<T> source, PageRequest page, Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, Guid>> id)
    {
        if (page.After is { } cursor) source = source.Where(Before(at, id, cursor));
        return source.OrderByDescending(at).ThenByDescending(id).Take(page.Limit + 1);
    }

    private static (List<T> Rows, string? NextCursor) Cut<T>(List<T> rows, int limit, Func<T, Cursor> keyOf) =>
        Cut(rows, limit, last => keyOf(last).Encode());

    /// <summary>
    /// Rows read one more than <paramref name="limit"/> (whatever the list's order): the page, and the cursor of the next page
    /// from its last row (<paramref name="cursorOf"/>) when that one more row came.
    /// </summary>
    public static (List<T> Rows, string? NextCursor) Cut<T>(List<T> rows, int limit, Func<T, string> cursorOf)
    {
        if (rows.Count <= limit) return (rows, null);
        rows.RemoveRange(limit, rows.Count - limit);
        return (rows, cursorOf(rows[^1]));
    }

    /// <summary>time &lt; cursor's, or the same time and a smaller id; the cursor's values reach the database as parameters.</summary>
    private static Expression<Func<T, bool>> Before<T>(Expression<Func<T, DateTimeOffset>> at, Expression<Func<T, Guid>> id, Cursor cursor)
    {
        Expression<Func<DateTimeOffset, Guid, bool>> before = (a, i) => a < cursor.CreatedAt || (a == cursor.CreatedAt && i.CompareTo(cursor.Id) < 0);
        var row = at.Parameters[0];
        var idOfRow = new Substitute(id.Parameters[0], row).Visit(id.Body);
        var body = new Substitute(before.Parameters[1], idOfRow).Visit(new Substitute(before.Parameters[0], at.Body).Visit(before.Body));
        return Expression.Lambda<Func<T, bool>>(body, row);
    }

    internal sealed class Substitute(ParameterExpression parameter, Expression by) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? by : node;
    }
}

/// <summary>
/// A page of a registry listed by its natural key (a doctor's or provider's code, a matricule) in ascending order: what an
/// administrator looks a person or a code up in, and the only order a registry row without a creation time has. The
/// cursor is the last key of the page, opaque to callers like every cursor.
/// </summary>
public readonly record struct KeyPageRequest(int Limit, string? After)
{
    private const string Tag = "key";

    /// <summary>Its size, then where it starts, checked in that order (as <see cref="PageRequest.Of"/>).</summary>
    public static KeyPageRequest Of(string? cursor, int? limit)
    {
        var size = Cursor.Limit(limit);
        return OpaqueCursor.Decode(cursor, parts => parts.Length == 2 && parts[0] == Tag ? new KeyPageRequest(size, parts[1]) : throw OpaqueCursor.Invalid())
               ?? new KeyPageRequest(size, null);
    }

    public static string Encode(string key) => OpaqueCursor.Encode(Tag, key);
}

public static class KeyOrder
{
    /// <summary>The rows after the cursor's key, in key order, one page; the next cursor when more rows follow.</summary>
    public static async Task<Page<TDto>> PageByKeyAsync<T, TDto>(this IQueryable<T> source, KeyPageRequest page,
        Expression<Func<T, string>> key, Func<T, TDto> map, CancellationToken ct)
    {
        if (page.After is { } after)
        {
            Expression<Func<string, bool>> isAfter = k => string.Compare(k, after) > 0;
            source = source.Where(Expression.Lambda<Func<T, bool>>(
                new Keyset.Substitute(isAfter.Parameters[0], key.Body).Visit(isAfter.Body), key.Parameters));
        }
        var keyOf = key.Compile();
        var (rows, next) = Keyset.Cut(await source.OrderBy(key).Take(page.Limit + 1).ToListAsync(ct), page.Limit, last => KeyPageRequest.Encode(keyOf(last)));
        return new Page<TDto>(rows.Select(map).ToList(), next);
    }
}

/// <summary>
/// A list's date filter (API.md: "filterable by status and dates"): Luxembourg dates <c>from</c> and <c>to</c>, both
/// inclusive, either one open; <c>to</c> before <c>from</c> is 400.
/// </summary>
public readonly record struct DateWindow(DateOnly? From, DateOnly? To)
{
    public static DateWindow Of(DateOnly? from, DateOnly? to) =>
        from is { } f && to is { } t && t < f ? throw new BadInputException("to", "'to' must not be before 'from'.") : new(from, to);
}

public static class DateWindowFilter
{
    /// <summary>Rows whose date is in the window.</summary>
    public static IQueryable<T> Within<T>(this IQueryable<T> source, DateWindow window, Expression<Func<T, DateOnly>> date)
    {
        if (window.From is { } from) source = source.Where(Compare(date, Expression.GreaterThanOrEqual, () => from));
        if (window.To is { } to) source = source.Where(Compare(date, Expression.LessThanOrEqual, () => to));
        return source;
    }

    /// <summary>Rows whose instant falls on a Luxembourg day of the window (from the start of <c>from</c> to before the start of the day after <c>to</c>; the bounds in UTC, as timestamptz takes them).</summary>
    public static IQueryable<T> Within<T>(this IQueryable<T> source, DateWindow window, Expression<Func<T, DateTimeOffset>> at)
    {
        if (window.From is { } from)
        {
            var start = LuxembourgCalendar.StartOfDay(from).ToUniversalTime();
            source = source.Where(Compare(at, Expression.GreaterThanOrEqual, () => start));
        }
        if (window.To is { } to)
        {
            var end = LuxembourgCalendar.StartOfDay(to.AddDays(1)).ToUniversalTime();
            source = source.Where(Compare(at, Expression.LessThan, () => end));
        }
        return source;
    }

    /// <summary><c>row => value(row) op bound</c>, the bound read from a closure so that it reaches the database as a parameter.</summary>
    private static Expression<Func<T, bool>> Compare<T, TValue>(Expression<Func<T, TValue>> value, Func<Expression, Expression, BinaryExpression> op,
        Expression<Func<TValue>> bound) =>
        Expression.Lambda<Func<T, bool>>(op(value.Body, bound.Body), value.Parameters);
}
