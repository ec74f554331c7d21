using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

/// <summary>
/// Lists kept as jsonb (reasons, file errors): read and written whole, never queried piecemeal. Written as the API
/// writes JSON (camelCase); compared by their JSON, so a change inside an element is seen.
/// </summary>
internal static class JsonbColumns
{
    public static PropertyBuilder<List<T>> AsJsonb<T>(this PropertyBuilder<List<T>> property) =>
        property.HasColumnType("jsonb").HasConversion(
            v => Serialize(v),
            s => JsonSerializer.Deserialize<List<T>>(s, JsonDefaults.Options) ?? new List<T>(),
            new ValueComparer<List<T>>(
                (a, b) => Serialize(a) == Serialize(b),
                v => Serialize(v).GetHashCode(),
                v => JsonSerializer.Deserialize<List<T>>(Serialize(v), JsonDefaults.Options)!));

    private static string Serialize<T>(List<T>? value) => JsonSerializer.Serialize(value, JsonDefaults.Options);
}
