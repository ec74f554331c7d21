using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;
using Microsoft.EntityFrameworkCore.Metadata.Conventions.Infrastructure;

namespace CnsExchange.Infrastructure.Persistence;

/// <summary>
/// EF's convention of an index on every foreign key, except on the few foreign keys listed here, which an index of their
/// own would cost on every row written or updated in bulk for nothing read through it (an index on a column a bulk update
/// writes also makes each of those updates write every index of the table: no heap-only tuple update). The foreign key
/// itself stays in the model.
/// </summary>
internal sealed class SelectiveForeignKeyIndexConvention(ProviderConventionSetBuilderDependencies dependencies) : ForeignKeyIndexConvention(dependencies)
{
    /// <summary>
    /// A fee memoir line's memoir: no foreign key of the database (a trigger keeps it, see <c>LineReferences</c>), and its
    /// index is the one led by sandbox_id (memoir, line number) that a sandbox's deletion finds lines by
    /// (<c>SandboxModel.LedBySandbox</c>); a second index on the memoir alone would be one more entry for each of a billing
    /// file's lines, for no query. (fee_memoir_lines.return_file_id, the one listed before, is no longer a column.)
    /// </summary>
    private static readonly HashSet<(Type Entity, string Property)> Unindexed = [(typeof(CnsExchange.Domain.Billing.FeeMemoirLine), nameof(CnsExchange.Domain.Billing.FeeMemoirLine.MemoirId))];

    protected override IConventionIndex? CreateIndex(IReadOnlyList<IConventionProperty> properties, bool unique, IConventionEntityTypeBuilder entityTypeBuilder) =>
        properties.Count == 1 && Unindexed.Contains((entityTypeBuilder.Metadata.ClrType, properties[0].Name))
            ? null
            : base.CreateIndex(properties, unique, entityTypeBuilder);

}
