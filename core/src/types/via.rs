//! Codecs for another crate's type that converts to and from one of
//! pgcast's own: the own type's codec in both formats, the conversions
//! checked both ways.

/// `Load`, `Dump` and `StaticType` for `$t` through `$own`: `$from` turns
/// a loaded `$own` (bound to `$o`) into `Result<$t>`, `$to` a `&$t` (bound
/// to `$v`) into `Result<$own>`; both may use `ctx`.
macro_rules! via_own {
    ($t:ty, $own:ty, |$ctx:ident, $o:ident| $from:expr, |$v:ident| $to:expr) => {
        impl $crate::Load<'_> for $t {
            fn check(ctx: &$crate::Ctx<'_>) -> $crate::Result<()> {
                <$own as $crate::Load>::check(ctx)
                    .map_err(|_| $crate::Error::wrong_type::<$t>(ctx.ty))
            }

            fn load($ctx: &$crate::Ctx<'_>, raw: &[u8]) -> $crate::Result<$t> {
                let $o = <$own as $crate::Load>::load($ctx, raw)
                    .map_err(|e| e.with_rust_type::<$t>())?;
                $from
            }
        }

        impl $crate::Dump for $t {
            fn pg_type(&self, policy: &$crate::Policy) -> postgres_types::Type {
                <$own as $crate::StaticType>::static_type(policy)
            }

            fn dump(
                &self,
                $ctx: &$crate::Ctx<'_>,
                out: &mut bytes::BytesMut,
            ) -> $crate::Result<$crate::IsNull> {
                let $v = self;
                let own: $own = $to;
                $crate::Dump::dump(&own, $ctx, out).map_err(|e| e.with_rust_type::<$t>())
            }
        }

        impl $crate::StaticType for $t {
            fn static_type(policy: &$crate::Policy) -> postgres_types::Type {
                <$own as $crate::StaticType>::static_type(policy)
            }
        }
    };
}

pub(crate) use via_own;
