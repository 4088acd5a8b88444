#version 130
// Boats drawn together, each riding the swell as boat.py's animate() moves one boat by
// itself: a slow rise, pitch and roll of the hull about where the boat stands. The batch
// holds the boats at rest where they stand; each vertex knows its boat's place (origin,
// scale, heading), is taken into the boat's own frame, moved, and put back.
#include "common.glsl"
#include "lit_out.glsl"
uniform float u_time;
in vec4 sway_origin;    // xyz: where the boat stands, w: its scale
in float sway_heading;  // its heading, radians

mat3 turn(float a) {    // about +z (a Panda3D heading)
    return mat3(cos(a), sin(a), 0.0, -sin(a), cos(a), 0.0, 0.0, 0.0, 1.0);
}

void main() {
    float t = u_time;
    float rise = 0.035 * sin(t * 0.8);
    float p = radians(0.35 * sin(t * 0.6 + 1.0));
    float r = radians(0.6 * sin(t * 0.71));
    // Panda3D's pitch then roll: Rx(p) * Ry(r)
    mat3 sway = mat3(1.0, 0.0, 0.0, 0.0, cos(p), sin(p), 0.0, -sin(p), cos(p))
              * mat3(cos(r), 0.0, -sin(r), 0.0, 1.0, 0.0, sin(r), 0.0, cos(r));
    mat3 h = turn(sway_heading);
    vec3 o = sway_origin.xyz;
    float k = sway_origin.w;
    vec3 local = transpose(h) * (p3d_Vertex.xyz - o) / k;
    vec3 moved = o + k * (h * (sway * local + vec3(0.0, 0.0, rise)));
    vec3 n = h * (sway * (transpose(h) * p3d_Normal));
    lit_vertex(vec4(moved, 1.0), n, p3d_Color, p3d_MultiTexCoord0);
}
