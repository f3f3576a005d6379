//! Rows as a stream, decoded as they arrive: the stream owns the connection
//! it holds (borrowed, or checked out of a pool) and the query.

use std::ops::ControlFlow;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use pgcast_core::exec::{Exec, RowType};
use sqlx_core::ext::async_stream::TryAsyncStream;

use crate::client::Held;
use crate::run::{Statement, drive};
use crate::wire::error;
use crate::{Result, Session};

/// Runs `exec` on `held`; its rows as a stream of `T`.
pub(crate) fn rows<'c, T: RowType>(
    mut held: Held<'c>,
    base: Session,
    mut exec: Exec<Statement, T>,
) -> BoxStream<'c, Result<T>> {
    TryAsyncStream::new(move |yielder| async move {
        let y = &yielder;
        let ran = drive(&mut held, &base, &mut exec, |row| async move {
            y.r#yield(row).await;
            ControlFlow::Continue(())
        })
        .await;
        if let Err(e) = ran {
            y.r#yield(Err(e)).await;
        }
        Ok(())
    })
    .map(|item| item.unwrap_or_else(|e| Err(error(e))))
    .boxed()
}
