export { approvalMessage, isUsableApproverKey, signApproval, verifyApproval } from './approval.ts';
export { decideRequest, type PolicyOutcome, type RequestDecision } from './decision.ts';
export {
  addApproverKey,
  approveRequest,
  attachOwnerSignature,
  type CustodyRequest,
  type ExecutionBundle,
  exportBundle,
  getRequest,
  listRequests,
  type PasskeyApproval,
  type PolicyHook,
  type RequestStatus,
  submitRequest,
  updateRequest,
} from './requests.ts';
