import { TerraformResource, TerraformStack } from 'cdktf';
import { IConstruct, Node } from 'constructs';

/**
 * Renames a construct without replacing what it made: every Terraform resource under `construct` gets a
 * `moved` block from the address it had when the construct's id was `formerId` (same scope, same path
 * below it). Terraform applies a move only when the former address is in the state, so the blocks are
 * harmless for a stack that never had it, and stay correct after the first apply that moved it. The former
 * addresses come from the stack's own logical-id scheme (`getLogicalId`), as cdktf computed them then.
 */
export function moveFromFormerId(construct: IConstruct, formerId: string): void {
  const stack = TerraformStack.of(construct);
  const depth = construct.node.scopes.length - 1;
  const blocks = movedBlocksOf(stack);
  for (const child of construct.node.findAll()) {
    if (!TerraformResource.isTerraformResource(child)) continue;
    const resource = child as TerraformResource;
    // The path the resource had: the same scopes, with the renamed construct's id swapped for formerId.
    const scopes = resource.node.scopes.map((scope, i) => (i === depth ? { node: { id: formerId } } : scope));
    const formerLogicalId = stack.getLogicalId({ scopes } as unknown as Node);
    blocks.push({
      from: `${resource.terraformResourceType}.${formerLogicalId}`,
      to: `${resource.terraformResourceType}.${stack.getLogicalId(resource.node)}`,
    });
  }
  // The stack's top-level `moved` list, written whole each time. Not cdktf's moveFromId: a stack with a
  // resource move gets a validation that runs `terraform version` at synth, and synth needs no Terraform
  // here (terraform.required_version, >= 1.10, is what holds a plan to a Terraform that knows `moved`).
  stack.addOverride('moved', [...blocks]);
}

const MOVED_BLOCKS = new WeakMap<TerraformStack, Array<{ from: string; to: string }>>();

function movedBlocksOf(stack: TerraformStack): Array<{ from: string; to: string }> {
  let blocks = MOVED_BLOCKS.get(stack);
  if (!blocks) {
    blocks = [];
    MOVED_BLOCKS.set(stack, blocks);
  }
  return blocks;
}
