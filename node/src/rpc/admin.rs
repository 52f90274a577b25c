//! The administrator's rule and its open proposals: what a member of a k-of-n administrator
//! needs to see which actions wait for approvals, and until when.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::{AppState, RpcError, RpcResult};
use crate::json::hex32;

/// `GET /admin`: the rule (threshold of members, the lead first), each open proposal by its
/// action id with its approvers and the slot after which it expires, and a scheduled upgrade.
/// At most 64 proposals of at most 16 approvers each, both bounded by the runtime.
pub(super) async fn admin(State(s): State<AppState>) -> RpcResult {
    let state = s.state();
    let rule = market_runtime::administrator(&state).map_err(|e| RpcError::internal(e.to_string()))?;
    let proposals = market_runtime::admin_proposals(&state).map_err(|e| RpcError::internal(e.to_string()))?;
    let proposals: Vec<Value> = proposals
        .iter()
        .map(|(id, p)| {
            json!({
                "id": hex32(id),
                "approvers": p.approvers.iter().map(|a| hex32(a)).collect::<Vec<_>>(),
                "approvals": p.approvers.len(),
                "opened_at_slot": p.opened_at_slot,
                "expires_after_slot": p.opened_at_slot.saturating_add(market_runtime::ADMIN_PROPOSAL_TTL_SLOTS),
            })
        })
        .collect();
    let upgrade = market_runtime::upgrade::scheduled(&state).map(|u| json!({ "version": u.version, "height": u.height }));
    Ok(Json(json!({
        "threshold": rule.threshold,
        "members": rule.members.iter().map(|m| hex32(m)).collect::<Vec<_>>(),
        "proposals": proposals,
        "upgrade": upgrade,
    })))
}
